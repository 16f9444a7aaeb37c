namespace SessionKit;

public sealed partial class Session
{
    // The manager's coarse activity stamp (a TimeProvider timestamp the idle sweep refreshes once per interval) as of
    // the session's last request exit; 0 until the first request or the first sweep that sees the session. Written by
    // every scope exit with a plain (on 64-bit, untorn) store and no clock read, so Enter stays as cheap as without
    // idle timeouts. 8 bytes: the session grows from 144 to 152 B (docs/benchmarks.md).
    private long _lastActivity;

    /// <summary>Gets or sets the activity stamp of the last request exit; see <see cref="SessionManager"/>'s idle sweep.</summary>
    internal long LastActivity
    {
        get => Volatile.Read(ref _lastActivity);
        set => Volatile.Write(ref _lastActivity, value);
    }

    /// <summary>
    /// Closes the session only if no request scope is open: the state word holds exactly the connection's reference.
    /// One compare-exchange, so a racing <see cref="SessionManager.Enter"/> either took its reference first (the
    /// session stays open and the request runs) or finds the session closed and throws <see cref="SessionClosedException"/>.
    /// </summary>
    /// <returns><see langword="true"/> when this call closed the session.</returns>
    internal bool TryMarkClosedIfIdle() => Interlocked.CompareExchange(ref _state, ClosedBit | 1, 1) == 1;

    /// <summary>Gets a value indicating whether a request scope is open on the session (more references than the connection's own).</summary>
    internal bool HasRequestInFlight => (Volatile.Read(ref _state) & ~ClosedBit) > 1;
}
