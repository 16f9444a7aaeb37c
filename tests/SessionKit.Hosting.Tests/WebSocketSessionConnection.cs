using System.Net.WebSockets;
using System.Text;

namespace SessionKit.Hosting.Tests;

/// <summary>The host's side of a WebSocket: a close sends a close frame whose description carries the reason, and notes it in the journal.</summary>
public sealed class WebSocketSessionConnection(WebSocket socket, ShutdownJournal journal) : ISessionConnection
{
    public ValueTask SendAsync(object message, CancellationToken cancellationToken) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(message.ToString() ?? string.Empty).AsMemory(), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    public async ValueTask CloseAsync(SessionCloseReason reason, CancellationToken cancellationToken)
    {
        // CloseOutputAsync sends the frame without waiting for the client's answer; the request's read loop sees it.
        // 1001 "going away" is the status RFC 6455 gives to a server that shuts down.
        await socket.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, reason.ToString(), cancellationToken);
        journal.Add($"server close sent {reason.Condition}");
    }
}
