using SessionKit.Internal;

namespace SessionKit;

public sealed partial class Session
{
    // The first server-side close claims it here: concurrent closes, kicks, shutdown and a replacing bind join it
    // instead of telling the client twice or returning while the session is still open. A claimed close always
    // finishes (see CloseRun), so the claim is never left behind by a cancelled or failed caller.
    private CloseRun? _closeRun;

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
    /// <param name="gracePeriod">
    /// How long to wait for the client to close its side after being told; <see langword="null"/> or zero to disconnect
    /// at once. Any non-negative length is valid (<see cref="TimeSpan.MaxValue"/> waits until the client hangs up); the
    /// wait also ends when <paramref name="cancellationToken"/> is cancelled or a close without grace period (a kick,
    /// an eviction, a replacement, shutdown) comes for the same session.
    /// </param>
    /// <param name="cancellationToken">
    /// Cancels this call's wait and the polite part (the <c>on_session_closing</c> triggers' token, the transport's close,
    /// the grace wait). It never cancels the close itself: a close that was started always ends with the session
    /// disconnected (<c>on_disconnect</c> runs once) and destroyed.
    /// </param>
    /// <returns>
    /// A task that completes when the session is closed. On a session already closed or destroyed it is a logged no-op.
    /// While another close of the session runs, it completes when that close does.
    /// </returns>
    /// <remarks>
    /// Re-entrancy: called from inside the session's own close (its <c>on_session_closing</c>, <c>on_resource_unbind</c>
    /// or <c>on_disconnect</c> triggers, its connection's <see cref="ISessionConnection.CloseAsync"/>, or work they start
    /// and await), it returns at once without waiting: the running close waits for that code, and finishes after it.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gracePeriod"/> is negative.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the close completed; the session is still closed.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
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

    /// <summary>Claims the server-side close for <paramref name="run"/>; returns the close already running, or <see langword="null"/> when this call claimed it.</summary>
    internal CloseRun? TryStartClose(CloseRun run) => Interlocked.CompareExchange(ref _closeRun, run, null);
}
