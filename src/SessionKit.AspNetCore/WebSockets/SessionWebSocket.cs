using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using SessionKit.AspNetCore.Internal;

namespace SessionKit.AspNetCore;

/// <summary>
/// One accepted WebSocket and its session, given to the handler of
/// <see cref="SessionWebSocketEndpointExtensions.MapSessionWebSocket"/>. Read with <see cref="ReceiveAsync"/> and write
/// with <see cref="SendAsync"/> (or <see cref="Session.SendAsync"/>): the endpoint owns the socket, serializes every
/// send, sends the close frame and disconnects the session.
/// </summary>
/// <remarks>
/// One receive at a time (as for any WebSocket); sends may come from any thread. When the server closes the session
/// (a kick, a conflict, shutdown) the client gets a close frame (<see cref="SessionWebSocketCloseStatus"/>), answers it,
/// and the next <see cref="ReceiveAsync"/> returns a <see cref="WebSocketMessageType.Close"/> result: end the handler
/// then.
/// </remarks>
public sealed class SessionWebSocket
{
    private readonly WebSocketSessionConnection _connection;

    // A receive whose caller gave up (its token was cancelled): it keeps running on the endpoint's buffer so the socket
    // is never aborted by a cancelled read, and the next ReceiveAsync or the endpoint's close handshake picks it up.
    private Task<ValueWebSocketReceiveResult>? _pending;
    private byte[]? _buffer;

    // What a taken-over receive brought beyond the buffer of the call that took it (an earlier, cancelled call may have
    // used a larger buffer): served, in order, before the socket is read again.
    private int _leftOffset;
    private int _leftCount;
    private ValueWebSocketReceiveResult _leftResult;

    internal SessionWebSocket(Session session, HttpContext httpContext, WebSocketSessionConnection connection)
    {
        Session = session;
        HttpContext = httpContext;
        _connection = connection;
    }

    /// <summary>Gets the socket's session (type <c>websocket</c> by default, user from the request's principal).</summary>
    public Session Session { get; }

    /// <summary>Gets the HTTP context of the upgraded request.</summary>
    public HttpContext HttpContext { get; }

    /// <summary>Gets the socket's state.</summary>
    public WebSocketState State => _connection.Socket.State;

    /// <summary>
    /// Receives the next frame into <paramref name="buffer"/>.
    /// </summary>
    /// <param name="buffer">Where the payload goes.</param>
    /// <param name="cancellationToken">
    /// Ends this call's wait. Unlike a plain WebSocket, cancelling does not abort the socket: a close frame the server
    /// sent meanwhile still reaches the client, and the endpoint finishes the close handshake.
    /// </param>
    /// <returns>The frame's type, length and end-of-message flag; <see cref="WebSocketMessageType.Close"/> when the client closed.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // The common case costs what a plain receive costs: the socket's own task, no state machine of ours.
        return _pending is null && _leftCount == 0 && !cancellationToken.CanBeCanceled
            ? _connection.Socket.ReceiveAsync(buffer, CancellationToken.None)
            : ReceiveDetachedAsync(buffer, cancellationToken);
    }

    /// <summary>Sends one frame, after any send already in progress on this socket.</summary>
    /// <param name="payload">The payload.</param>
    /// <param name="messageType">Text or binary.</param>
    /// <param name="endOfMessage">Whether this frame ends the message.</param>
    /// <param name="cancellationToken">Cancels the send (a cancelled WebSocket send aborts the socket).</param>
    /// <returns>A task that completes when the frame was sent.</returns>
    public ValueTask SendAsync(ReadOnlyMemory<byte> payload, WebSocketMessageType messageType = WebSocketMessageType.Text, bool endOfMessage = true, CancellationToken cancellationToken = default) =>
        _connection.SendAsync(payload, messageType, endOfMessage, cancellationToken);

    /// <summary>Takes over a receive the handler gave up on, for the endpoint's close handshake.</summary>
    internal Task<ValueWebSocketReceiveResult>? TakePendingReceive()
    {
        var pending = _pending;
        _pending = null;
        return pending;
    }

    private async ValueTask<ValueWebSocketReceiveResult> ReceiveDetachedAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_leftCount > 0)
        {
            return TakeLeftOver(buffer);
        }

        _buffer ??= new byte[Math.Max(buffer.Length, 1024)];
        var pending = _pending ?? _connection.Socket.ReceiveAsync(_buffer.AsMemory(0, Math.Min(buffer.Length, _buffer.Length)), CancellationToken.None).AsTask();
        _pending = pending;
        var result = await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
        _pending = null;
        _leftOffset = 0;
        _leftCount = result.Count;
        _leftResult = result;
        return TakeLeftOver(buffer);
    }

    /// <summary>Copies as much of the taken-over result as fits; the message ends only with its last byte.</summary>
    private ValueWebSocketReceiveResult TakeLeftOver(Memory<byte> buffer)
    {
        var count = Math.Min(_leftCount, buffer.Length);
        _buffer.AsMemory(_leftOffset, count).CopyTo(buffer);
        _leftOffset += count;
        _leftCount -= count;
        return new ValueWebSocketReceiveResult(count, _leftResult.MessageType, _leftResult.EndOfMessage && _leftCount == 0);
    }
}
