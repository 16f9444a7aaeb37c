using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using SessionKit.Samples.ChatServer;

namespace SessionKit.Samples.Tests;

/// <summary>The chat server started in-process on 127.0.0.1, port 0, with its logs kept in memory.</summary>
public sealed class ChatServerHost : IAsyncDisposable
{
    private ChatServerHost(IHost host, IPEndPoint endPoint, FakeLoggerProvider logs)
    {
        Host = host;
        EndPoint = endPoint;
        Logs = logs;
    }

    public IHost Host { get; }

    public IPEndPoint EndPoint { get; }

    public FakeLoggerProvider Logs { get; }

    public SessionManager Sessions => Host.Services.GetRequiredService<SessionManager>();

    public static async Task<ChatServerHost> StartAsync(params string[] extraArgs)
    {
        var logs = new FakeLoggerProvider();
        var builder = ChatServerApp.CreateBuilder(["--port", "0", .. extraArgs]);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(logs);
        var host = builder.Build();
        await host.StartAsync().WaitAsync(ChatClient.Timeout);
        var endPoint = await host.Services.GetRequiredService<TcpChatServer>().Listening.WaitAsync(ChatClient.Timeout);
        return new ChatServerHost(host, endPoint, logs);
    }

    public Task<ChatClient> ConnectAsync() => ChatClient.ConnectAsync(EndPoint);

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync().WaitAsync(ChatClient.Timeout);
        Host.Dispose();
    }
}
