using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace SessionKit.AspNetCore.Tests.SignalR;

/// <summary>
/// A hub method that closes its own caller's session must not wait on itself: the close message goes out and the
/// connection ends without needing <see cref="SessionKitAspNetCoreOptions.CloseTimeout"/> to run out (it is infinite
/// here, so a close that waits for the end of its own invocation hangs).
/// </summary>
public sealed class SelfCloseTests
{
    [Fact]
    public async Task AHubMethodClosingItsOwnSession_ClosesTheClientWithTheReason_WithoutWaitingOutTheCloseTimeout()
    {
        var journal = new TriggerJournal();
        await using var app = await KestrelApp.StartAsync(
            builder =>
            {
                builder.Services.AddSignalR();
                journal.Register(builder.Services
                    .AddSessions(o => o.CloseTimeout = Timeout.InfiniteTimeSpan)
                    .AddAspNetCore(o => o.CloseTimeout = Timeout.InfiniteTimeSpan));
            },
            web => web.MapHub<SelfClosingHub>("/self"));
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var connection = new HubConnectionBuilder()
            .WithUrl(app.HttpUri("/self?user=alice"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .Build();
        connection.Closed += error =>
        {
            closed.TrySetResult(error);
            return Task.CompletedTask;
        };
        await connection.StartAsync().WaitAsync(KestrelApp.Watchdog);

        // The invocation's own result may be lost with the connection: only the close matters.
        _ = connection.InvokeAsync("Leave");

        var error = await closed.Task.WaitAsync(KestrelApp.Watchdog);
        error.Should().NotBeNull();
        error!.Message.Should().Contain(SessionCloseReason.Kicked.ToString());
        await journal.Disconnects(1);
        journal.DisconnectsPerSession.Values.Should().Equal(1);
    }
}
