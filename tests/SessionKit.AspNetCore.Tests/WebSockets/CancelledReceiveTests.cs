using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace SessionKit.AspNetCore.Tests.WebSockets;

/// <summary>
/// A receive whose token was cancelled keeps running on the endpoint's own buffer, sized by that call. The next receive
/// takes its result over: when that result does not fit the next call's (smaller) buffer, the rest must come with the
/// following receives, not be dropped with <c>EndOfMessage</c> set.
/// </summary>
public sealed class CancelledReceiveTests
{
    [Fact]
    public async Task AMessageCaughtByACancelledReceive_ArrivesWhole_ThroughASmallerBuffer()
    {
        var journal = new TriggerJournal();
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await KestrelApp.StartAsync(
            builder => journal.Register(builder.Services.AddSessions().AddAspNetCore()),
            web => web.MapSessionWebSocket("/ws", async ws =>
            {
                using (var stop = new CancellationTokenSource())
                {
                    var first = ws.ReceiveAsync(new byte[4096], stop.Token);
                    await stop.CancelAsync();
                    var giveUp = async () => await first;
                    await giveUp.Should().ThrowAsync<OperationCanceledException>();
                }

                cancelled.SetResult();
                var small = new byte[10];
                using var message = new MemoryStream();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await ws.ReceiveAsync(small);
                    message.Write(small, 0, result.Count);
                }
                while (!result.EndOfMessage);

                received.SetResult(message.ToArray());
            }));
        using var client = new ClientWebSocket();
        await client.ConnectAsync(app.WebSocketUri("/ws"), CancellationToken.None).WaitAsync(KestrelApp.Watchdog);
        await cancelled.Task.WaitAsync(KestrelApp.Watchdog);
        var sent = Enumerable.Range(0, 100).Select(i => (byte)('a' + (i % 26))).ToArray();

        await client.SendAsync(sent, WebSocketMessageType.Text, true, CancellationToken.None);

        (await received.Task.WaitAsync(KestrelApp.Watchdog)).Should().Equal(sent);
    }
}
