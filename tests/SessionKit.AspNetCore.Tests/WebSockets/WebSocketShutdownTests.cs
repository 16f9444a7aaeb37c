namespace SessionKit.AspNetCore.Tests.WebSockets;

/// <summary>
/// Issue 15, shutdown ordering: stopping the host closes every session with the shutdown reason before Kestrel drains,
/// so every client gets its close frame. The handlers cancel their receive loops on the session's <c>Closed</c> token,
/// the pattern that lost the reason for 2 of 3 clients in a trial.
/// </summary>
public sealed class WebSocketShutdownTests
{
    [Fact]
    public async Task HostStop_TellsEveryClientTheShutdownReason_AndRunsEveryOnDisconnectOnce()
    {
        const int count = 6;
        var journal = new TriggerJournal();
        var app = await WebSocketApp.StartAsync(journal);
        var clients = new List<WebSocketClient>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                clients.Add(await WebSocketClient.ConnectAsync(app.WebSocketUri($"/ws?user=u{i}")));
            }

            await journal.Connects(count);

            await app.App.StopAsync().WaitAsync(KestrelApp.Watchdog);

            var closes = await Task.WhenAll(clients.Select(c => c.Closed)).WaitAsync(KestrelApp.Watchdog);
            closes.Should().OnlyContain(c => c.Status == SessionWebSocketCloseStatus.SystemShutdown && c.Description == SessionCloseReason.SystemShutdown.ToString());
            journal.DisconnectRuns.Should().Be(count);
            journal.DisconnectsPerSession.Values.Should().HaveCount(count).And.OnlyContain(n => n == 1);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }

            await app.App.DisposeAsync();
        }
    }
}
