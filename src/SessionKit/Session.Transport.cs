namespace SessionKit;

public sealed partial class Session
{
    // The first server-side close publishes its completion here: concurrent closes, kicks, shutdown and a
    // replacing bind await it instead of telling the client twice or returning while the session is still open.
    private Task? _closeTask;

    /// <summary>Gets the host's connection given at connect, or <see langword="null"/> when the session has none.</summary>
    public ISessionConnection? Connection { get; internal init; }

    /// <summary>
    /// Sends a message to the client through <see cref="Connection"/> (Tarantool's <c>box.session.push</c>).
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>
    /// <see langword="true"/> when the message was handed to the connection; <see langword="false"/> when the session
    /// has no connection or is closed or destroyed (a destroyed session is a safe tombstone).
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    /// <exception cref="Exception">The connection's own failure, unchanged.</exception>
    public ValueTask<bool> SendAsync(object message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var connection = Connection;
        if (connection is null || IsClosed)
        {
            return new ValueTask<bool>(false);
        }

        var pending = connection.SendAsync(message, cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            pending.GetAwaiter().GetResult();
            return new ValueTask<bool>(true);
        }

        return AwaitSendAsync(pending);

        static async ValueTask<bool> AwaitSendAsync(ValueTask pending)
        {
            await pending.ConfigureAwait(false);
            return true;
        }
    }

    /// <summary>
    /// Closes the session politely: tells the client why through <see cref="Connection"/>, optionally waits up to
    /// <paramref name="gracePeriod"/> for the client to hang up, then disconnects it (<c>on_disconnect</c> runs).
    /// </summary>
    /// <param name="reason">Why; <see langword="null"/> for <see cref="SessionCloseReason.None"/>.</param>
    /// <param name="gracePeriod">How long to wait for the client to close its side after being told; <see langword="null"/> or zero to disconnect at once.</param>
    /// <param name="cancellationToken">Cancels the wait and the transport's close.</param>
    /// <returns>A task that completes when the session is closed. On a session already closed or destroyed it is a logged no-op.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gracePeriod"/> is negative.</exception>
    public ValueTask CloseAsync(SessionCloseReason? reason = null, TimeSpan? gracePeriod = null, CancellationToken cancellationToken = default)
    {
        if (gracePeriod is { } grace && grace < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(gracePeriod), grace, "The grace period must not be negative.");
        }

        var pending = Manager.CloseSessionAsync(this, reason ?? SessionCloseReason.None, gracePeriod ?? TimeSpan.Zero, cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            pending.GetAwaiter().GetResult();
            return default;
        }

        return new ValueTask(pending.AsTask());
    }

    /// <summary>Claims the server-side close with <paramref name="completion"/>; returns the close already running, or <see langword="null"/> when this call claimed it.</summary>
    internal Task? TryStartClose(Task completion) => Interlocked.CompareExchange(ref _closeTask, completion, null);
}
