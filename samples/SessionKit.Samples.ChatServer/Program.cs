// The SessionKit chat server: one SessionKit session per TCP connection, driven by a line protocol you can type in nc.
//
//   dotnet run --project samples/SessionKit.Samples.ChatServer            (listens on 127.0.0.1:5555)
//   dotnet run --project samples/SessionKit.Samples.ChatServer -- --port 6000
//   nc 127.0.0.1 5555
//
// ChatServerApp.CreateBuilder shows the registration (AddSessions, users, triggers); TcpChatServer the accept loop and the
// per-connection session; ChatCommands the protocol, run inside sessions.Enter(session, sync).
using Microsoft.Extensions.Hosting;
using SessionKit.Samples.ChatServer;

await ChatServerApp.CreateBuilder(args).Build().RunAsync();
