using Microsoft.Extensions.Logging;

namespace SessionKit.Internal;

/// <summary>
/// Idle timeouts (Tarantool 3.8's <c>idle_timeout</c>): one timer per manager, never one per session.
/// </summary>
/// <remarks>
/// Each tick refreshes <see cref="ActivityStamp"/> from the <see cref="TimeProvider"/>; every request scope exit copies
/// it into <see cref="Session.LastActivity"/> (a plain read and write, no clock read, no allocation), and the tick then
/// walks the registry. A session is idle when no scope is open; its idle time is measured from the stamp of the tick
/// before its last exit, so the sweep adds one interval before it closes (never early; at most two intervals late when
/// ticks are on time).
/// </remarks>
internal sealed class IdleSweeper
{
    private readonly SessionRegistry _registry;
    private readonly SessionCloser _closer;
    private readonly SessionDisconnector _disconnector;
    private readonly ManagerLifetime _lifetime;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<SessionUser, SessionType, TimeSpan?>? _idleTimeout;
    private readonly TimeSpan _interval;
    private ITimer? _timer;

    // Written by the sweep only (never 0 once the sweep runs, so 0 on a session means "not stamped yet"); read by every
    // scope exit. Read-mostly, so it shares its cache line with the read-only fields without harm.
    private long _activityStamp;

    // 1 while a sweep walks the registry: a tick that comes while the previous walk still runs is skipped.
    private int _sweeping;

    public IdleSweeper(SessionRegistry registry, SessionCloser closer, SessionDisconnector disconnector, ManagerLifetime lifetime, TimeProvider time, ILogger logger, Func<SessionUser, SessionType, TimeSpan?>? idleTimeout, TimeSpan interval)
    {
        _registry = registry;
        _closer = closer;
        _disconnector = disconnector;
        _lifetime = lifetime;
        _time = time;
        _logger = logger;
        _idleTimeout = idleTimeout;
        _interval = interval;
    }

    /// <summary>Gets the coarse activity stamp scope exits copy into <see cref="Session.LastActivity"/>.</summary>
    public long ActivityStamp => _activityStamp;

    /// <summary>Starts the sweep when an idle timeout is configured. Called once, when the manager is built.</summary>
    public void Start()
    {
        if (_idleTimeout is null)
        {
            return;
        }

        _activityStamp = NonZero(_time.GetTimestamp());

        // The timer holds the sweeper weakly, so a manager the host forgot to dispose stays collectable (only the
        // manager holds the sweeper); the next tick then disposes the timer. Created with the flow suppressed so it
        // never captures the constructing caller's ambient session or user.
        var state = new IdleSweepState(new WeakReference<IdleSweeper>(this));
        using (ExecutionContext.SuppressFlow())
        {
            _timer = state.Timer = _time.CreateTimer(
                static state =>
                {
                    var sweep = (IdleSweepState)state!;
                    if (sweep.Sweeper.TryGetTarget(out var sweeper))
                    {
                        sweeper.Sweep();
                    }
                    else
                    {
                        sweep.Timer?.Dispose();
                    }
                },
                state,
                _interval,
                _interval);
        }
    }

    /// <summary>Stops the sweep (shutdown closes the sessions itself). Idempotent.</summary>
    public void Stop() => Interlocked.Exchange(ref _timer, null)?.Dispose();

    /// <summary>One tick: refresh the stamp, then close every open session idle for longer than its timeout.</summary>
    private void Sweep()
    {
        if (!_lifetime.IsRunning || Interlocked.Exchange(ref _sweeping, 1) != 0)
        {
            return;
        }

        try
        {
            var now = NonZero(_time.GetTimestamp());
            var previous = _activityStamp;
            Volatile.Write(ref _activityStamp, now);
            var report = default(IdleSweepReport);
            foreach (var pair in _registry)
            {
                if (!_lifetime.IsRunning)
                {
                    return;
                }

                var session = pair.Value;
                if (session.IsClosed || session.HasRequestInFlight)
                {
                    continue;
                }

                var last = session.LastActivity;
                if (last == 0)
                {
                    // First sight of a session that never ran a request: it connected after the previous tick's walk
                    // began, so that tick's stamp is a time before its connect, like any other stamp.
                    session.LastActivity = previous;
                    last = previous;
                }

                if (TimeoutOf(session, ref report) is { } timeout
                    && _time.GetElapsedTime(last, now) - _interval >= timeout
                    && session.TryMarkClosedIfIdle())
                {
                    // Counted at once, as a disconnect counts right after its own mark: shutdown passes over closed
                    // sessions and waits for this count instead.
                    _disconnector.BeginClose();
                    _logger.IdleSessionClosing(session.Id, timeout);
                    Detached.Run(_closer.CloseMarkedAsync(session, SessionCloseReason.IdleTimeout));
                }
            }

            report.Log(_logger);
        }
        catch (Exception ex)
        {
            // A timer callback must never throw (on the system timer that ends the process); the next tick retries.
            _logger.IdleSweepFailed(ex);
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    /// <summary>Asks the options delegate; an invalid answer or an exception leaves the session untimed and is reported once per sweep.</summary>
    private TimeSpan? TimeoutOf(Session session, ref IdleSweepReport report)
    {
        TimeSpan? timeout;
        try
        {
            timeout = _idleTimeout!(session.User, session.Type);
        }
        catch (Exception ex)
        {
            report.Failed(session, ex);
            return null;
        }

        if (timeout is not { } value || value == Timeout.InfiniteTimeSpan)
        {
            return null;
        }

        if (value <= TimeSpan.Zero)
        {
            report.Invalid(session, value);
            return null;
        }

        return value;
    }

    private static long NonZero(long timestamp) => timestamp == 0 ? 1 : timestamp;

    /// <summary>The sweep timer's state: the sweeper, weakly, and the timer itself so a tick can dispose it.</summary>
    private sealed class IdleSweepState(WeakReference<IdleSweeper> sweeper)
    {
        public WeakReference<IdleSweeper> Sweeper { get; } = sweeper;

        public ITimer? Timer { get; set; }
    }
}
