using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace SessionKit.AspNetCore.Internal;

/// <summary>
/// The session's side of one accepted WebSocket. A WebSocket allows one send at a time, and a close frame is a send:
/// every frame (the host's, <see cref="Session.SendAsync"/>'s, the close) goes through one lock, so routing from many
/// threads and a concurrent close never interleave.
/// </summary>
internal sealed class WebSocketSessionConnection(WebSocket socket, TimeSpan closeTimeout, TimeProvider timeProvider) : ISessionConnection
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    // Set once the server's close frame is out (under the send lock); read by the endpoint to know it must wait for the
    // client's answer instead of sending a close of its own.
    private volatile bool _closeSent;

    public WebSocket Socket => socket;

    public bool CloseSent => _closeSent;

    public ValueTask SendAsync(object message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message switch
        {
            string text => SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cancellationToken),
            byte[] bytes => SendAsync(bytes, WebSocketMessageType.Binary, true, cancellationToken),
            ReadOnlyMemory<byte> memory => SendAsync(memory, WebSocketMessageType.Binary, true, cancellationToken),
            ArraySegment<byte> segment => SendAsync(segment, WebSocketMessageType.Binary, true, cancellationToken),
            _ => SendAsync(JsonSerializer.SerializeToUtf8Bytes(message, message.GetType(), JsonSerializerOptions.Web), WebSocketMessageType.Text, true, cancellationToken),
        };
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> payload, WebSocketMessageType type, bool endOfMessage, CancellationToken cancellationToken)
    {
        // Uncontended, and the socket completing synchronously (it usually does: Kestrel buffers the frame), a send
        // costs the lock's two interlocked operations and nothing else.
        if (!_sendLock.Wait(0, CancellationToken.None))
        {
            return SendAfterLockAsync(payload, type, endOfMessage, cancellationToken);
        }

        ValueTask pending;
        try
        {
            pending = socket.SendAsync(payload, type, endOfMessage, cancellationToken);
        }
        catch
        {
            _sendLock.Release();
            throw;
        }

        if (pending.IsCompletedSuccessfully)
        {
            _sendLock.Release();
            return default;
        }

        return ReleaseAfterAsync(pending);
    }

    private async ValueTask SendAfterLockAsync(ReadOnlyMemory<byte> payload, WebSocketMessageType type, bool endOfMessage, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        ValueTask pending;
        try
        {
            pending = socket.SendAsync(payload, type, endOfMessage, cancellationToken);
        }
        catch
        {
            _sendLock.Release();
            throw;
        }

        await ReleaseAfterAsync(pending).ConfigureAwait(false);
    }

    private async ValueTask ReleaseAfterAsync(ValueTask pending)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public ValueTask CloseAsync(SessionCloseReason reason, CancellationToken cancellationToken) =>
        CloseOutputAsync(SessionWebSocketCloseStatus.For(reason), SessionWebSocketCloseStatus.Describe(reason), cancellationToken);

    /// <summary>
    /// Sends the close frame once, unless the socket can no longer send; never waits for the client's answer. A frame
    /// that cannot get out within the close timeout (a client that stopped reading holds a send, and so the lock,
    /// forever) aborts the socket instead: that fails the stuck send and ends the handler, rather than leaving the
    /// socket open after the session was given up.
    /// </summary>
    public async ValueTask CloseOutputAsync(WebSocketCloseStatus status, string description, CancellationToken cancellationToken)
    {
        using var timeout = closeTimeout == Timeout.InfiniteTimeSpan ? null : new CancellationTokenSource(closeTimeout, timeProvider);
        using var linked = timeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var token = linked?.Token ?? cancellationToken;
        try
        {
            await _sendLock.WaitAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
        {
            socket.Abort();
            return;
        }

        try
        {
            if (_closeSent || socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
            {
                return;
            }

            // CloseOutputAsync rather than CloseAsync: the endpoint's receive loop owns reading, and it reads the
            // client's answer. The frame is flushed before this returns, so cancelling that loop afterwards cannot lose it.
            await socket.CloseOutputAsync(status, description, token).ConfigureAwait(false);
            _closeSent = true;
        }
        catch (OperationCanceledException) when (timeout is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
        {
            // The close frame itself is stuck behind a client that does not read: a cancelled send aborts the socket.
            socket.Abort();
        }
        finally
        {
            _sendLock.Release();
        }
    }
}
