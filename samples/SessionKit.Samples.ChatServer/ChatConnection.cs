using System.Net.Sockets;
using System.Text;

namespace SessionKit.Samples.ChatServer;

/// <summary>
/// The host's side of one TCP connection, given to SessionKit as <see cref="ConnectOptions.Connection"/>:
/// <see cref="Session.SendAsync"/> writes a line through it and <see cref="Session.CloseAsync"/> says goodbye and
/// shuts the socket down. Writes are serialized, so replies and pushes from other sessions never interleave mid-line.
/// </summary>
public sealed class ChatConnection : ISessionConnection, IDisposable
{
    private readonly Socket _socket;
    private readonly TimeSpan _sendTimeout;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    /// <summary>Initializes a new instance of the <see cref="ChatConnection"/> class.</summary>
    /// <param name="socket">The accepted socket; the connection owns it.</param>
    /// <param name="sendTimeout">How long a write may take before the client is dropped.</param>
    public ChatConnection(Socket socket, TimeSpan sendTimeout)
    {
        _socket = socket;
        _sendTimeout = sendTimeout;
        Stream = new NetworkStream(socket, ownsSocket: false);
    }

    /// <summary>Gets the stream the server reads lines from.</summary>
    public NetworkStream Stream { get; }

    /// <summary>Writes one line to the client.</summary>
    /// <param name="line">The text; line breaks in it are replaced by spaces.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the line was written.</returns>
    public async ValueTask WriteLineAsync(string line, CancellationToken cancellationToken = default)
    {
        var bytes = Encoding.UTF8.GetBytes(line.ReplaceLineEndings(" ") + "\n");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_sendTimeout);
        await _writeLock.WaitAsync(timeout.Token);
        try
        {
            await Stream.WriteAsync(bytes, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // A client that does not read is dropped rather than allowed to stall everyone who talks to it.
            Shutdown();
            throw new IOException("The client did not read in time and was disconnected.");
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <inheritdoc/>
    public ValueTask SendAsync(object message, CancellationToken cancellationToken) =>
        WriteLineAsync(message.ToString() ?? string.Empty, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask CloseAsync(SessionCloseReason reason, CancellationToken cancellationToken)
    {
        try
        {
            await WriteLineAsync(reason.Text is null ? $"bye {reason.Condition}" : $"bye {reason.Condition}: {reason.Text}", cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client is gone already; closing is all that is left to do.
        }

        Shutdown();
    }

    /// <summary>Shuts the socket down in both directions, which ends the server's read loop for this client.</summary>
    public void Shutdown()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Stream.Dispose();
        _socket.Dispose();
    }
}
