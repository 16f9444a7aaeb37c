using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SessionKit.AspNetCore.Tests.Kestrel;

/// <summary>
/// <c>UseSessions</c>: a connect SessionKit refuses (here an <c>on_connect</c> that throws) aborts the connection, as
/// documented, without the refusal escaping into Kestrel as an unhandled exception (an error log per connection, which
/// any client could cause at will).
/// </summary>
public sealed class RefusedConnectionTests
{
    [Fact]
    public async Task ARefusedConnect_EndsTheConnection_WithoutAnUnhandledExceptionInKestrelsLog()
    {
        var journal = new TriggerJournal();
        var logs = new LogCapture();
        var reached = false;
        await using var app = await KestrelApp.StartAsync(
            builder =>
            {
                builder.Logging.AddProvider(logs);
                journal.Register(builder.Services.AddSessions().AddAspNetCore()).OnConnect(_ => throw new InvalidOperationException("on_connect refused"));
            },
            _ => { },
            listen => listen.UseSessions(new SessionType("tcp")).Run((ConnectionContext _) =>
            {
                reached = true;
                return Task.CompletedTask;
            }));
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(app.Address.Host, app.Address.Port);

        // Kestrel logs a connection's unhandled exception before it lets the transport go: the end of the stream comes after.
        var read = 0;
        try
        {
            read = await client.GetStream().ReadAsync(new byte[16]).AsTask().WaitAsync(KestrelApp.Watchdog);
        }
        catch (IOException)
        {
            // A reset is an end too.
        }

        read.Should().Be(0, "the refused connection ends");
        reached.Should().BeFalse("the rest of the pipeline never runs without a session");
        app.Sessions.Count.Should().Be(0);
        logs.Entries.Where(e => e.Level >= LogLevel.Error).Select(e => $"{e.Category}: {e.Message}").Should().BeEmpty("a refusal is not a server error");
    }
}
