using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace SessionKit.AspNetCore.Tests.WebSockets;

/// <summary>
/// A client that stops reading leaves a server send pending forever. A SessionKit close then cannot take the send lock
/// for its close frame: after <see cref="SessionKitAspNetCoreOptions.CloseTimeout"/> the socket must be aborted (the
/// stuck send ends, the handler ends, the endpoint finishes) instead of the socket and the handler staying open after
/// the session was given up.
/// </summary>
public sealed class StuckSendCloseTests
{
    [Fact]
    public async Task AKickBehindASendTheClientNeverReads_AbortsTheSocket_AndTheHandlerEnds()
    {
        var journal = new TriggerJournal();
        var sending = new TaskCompletionSource<ulong>(TaskCreationOptions.RunContinuationsAsynchronously);
        var sendEnded = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handlerEnded = new TaskCompletionSource<WebSocketState>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await KestrelApp.StartAsync(
            builder => journal.Register(builder.Services
                .AddSessions(o => o.CloseTimeout = TimeSpan.FromMilliseconds(100))
                .AddAspNetCore(o => o.CloseTimeout = TimeSpan.FromMilliseconds(100))),
            web => web.MapSessionWebSocket("/ws", async ws =>
            {
                try
                {
                    var buffer = new byte[16];
                    await ws.ReceiveAsync(buffer);

                    // Far more than loopback's socket buffers and Kestrel's pipe hold: this send cannot finish while the
                    // client does not read. The send lock is held once SendAsync has returned its pending task.
                    var pending = ws.SendAsync(new byte[64 * 1024 * 1024], WebSocketMessageType.Binary);
                    sending.SetResult(ws.Session.Id);
                    try
                    {
                        await pending;
                        sendEnded.SetResult(null);
                    }
                    catch (Exception ex)
                    {
                        sendEnded.SetResult(ex);
                        throw;
                    }
                }
                finally
                {
                    handlerEnded.SetResult(ws.State);
                }
            }));
        using var client = new ClientWebSocket();
        await client.ConnectAsync(app.WebSocketUri("/ws?user=alice"), CancellationToken.None).WaitAsync(KestrelApp.Watchdog);
        await client.SendAsync("flood"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        var id = await sending.Task.WaitAsync(KestrelApp.Watchdog);

        (await app.Sessions.Admin.KickAsync(id)).Should().BeTrue();

        // Kestrel completes writes to an aborted connection quietly, so the send may end without an exception: what
        // matters is that it ends, and the handler with it, on an aborted socket.
        await sendEnded.Task.WaitAsync(KestrelApp.Watchdog);
        (await handlerEnded.Task.WaitAsync(KestrelApp.Watchdog)).Should().Be(WebSocketState.Aborted);
        await journal.Disconnects(1);
        journal.DisconnectsPerSession.Values.Should().Equal(1);
    }
}
