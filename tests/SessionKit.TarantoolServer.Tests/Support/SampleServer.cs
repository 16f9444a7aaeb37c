using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SessionKit.Samples.TarantoolServer;
using SessionKit.Samples.TarantoolServer.Hosting;
using SessionKit.Samples.TarantoolServer.Requests;

namespace SessionKit.TarantoolServer.Tests.Support;

/// <summary>The sample, started in this process on 127.0.0.1 and a free port, with the chat sample's users.</summary>
internal sealed class SampleServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SampleServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public SessionManager Sessions => _app.Services.GetRequiredService<SessionManager>();

    public TriggerLog Log => _app.Services.GetRequiredService<TriggerLog>();

    public ServerActivity Activity => _app.Services.GetRequiredService<ServerActivity>();

    public static async Task<SampleServer> StartAsync(params string[] extraArgs)
    {
        string[] args = ["--port", "0", "--Tarantool:Users:alice=alice", "--Tarantool:Users:bob=bob", "--Logging:LogLevel:Default=Warning", .. extraArgs];
        var app = TarantoolServerApp.Build(args);
        var port = await TarantoolServerApp.StartAsync(app);
        return new SampleServer(app, port);
    }

    /// <summary>Waits until every connection was fully handled (sessions disconnected, requests finished).</summary>
    public Task WhenIdleAsync() => Activity.WhenIdleAsync().WaitAsync(TimeSpan.FromMinutes(1));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
