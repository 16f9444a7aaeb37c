// A Tarantool-compatible server whose sessions SessionKit manages: Tarantool 2.6's net.box and console use it as
// they would use Tarantool.
//
//   dotnet run --project samples/SessionKit.Samples.TarantoolServer              (listens on 127.0.0.1:3301)
//   dotnet run --project samples/SessionKit.Samples.TarantoolServer -- --port 0  (a free port; printed)
//   tarantoolctl connect alice:alice@127.0.0.1:3301      then type box.session.user()
//   tarantool -e "c = require('net.box').connect('alice:alice@127.0.0.1:3301') print(c:call('box.session.id'))"
//
// TarantoolServerApp shows the registration; Hosting/IprotoConnectionHandler the per-connection session and the
// concurrent requests; Requests/CallTable what a client may call.
using SessionKit.Samples.TarantoolServer;

var app = TarantoolServerApp.Build(args);
var port = await TarantoolServerApp.StartAsync(app);
Console.WriteLine($"listening on 127.0.0.1:{port}");
await Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.WaitForShutdownAsync(app);
