using SessionKit.Internal;

namespace SessionKit;

public sealed partial class SessionManager
{
    // Idle timeouts (Tarantool 3.8's idle_timeout). Cost model: ONE timer per manager, never one per session. Each tick
    // refreshes _activityStamp from the TimeProvider; every request scope exit copies it into Session.LastActivity (a
    // plain read and write, no clock read, no allocation), and the tick then walks the registry. A session is idle
    // when no scope is open; its idle time is measured from the stamp of the tick before its last exit, so the
    // sweep adds one interval before it closes (never early; at most two intervals late when ticks are on time).
    private Func<SessionUser, SessionType, TimeSpan?>? _idleTimeout;
    private TimeSpan _idleSweepInterval;
    private ITimer? _idleSweep;

    // Written by the sweep only (never 0 once the sweep runs, so 0 on a session means "not stamped yet"); read by
    // every scope exit. Read-mostly, so it shares its cache line with the read-only fields without harm.
    private long _activityStamp;

    // 1 while a sweep walks the registry: a tick that comes while the previous walk still runs is skipped.
    private int _sweeping;

    /// <summary>Gets the coarse activity stamp scope exits copy into <see cref="Session.LastActivity"/>.</summary>
    internal long ActivityStamp => _activityStamp;

    /// <summary>Starts the idle sweep when <see cref="SessionOptions.IdleTimeout"/> is set. Called last in the constructor.</summary>
    private void StartIdleSweep(SessionOptions options)
    {
        if (options.IdleTimeout is null)
        {
            return;
        }

        _idleTimeout = options.IdleTimeout;
        _idleSweepInterval = options.IdleSweepInterval;
        _activityStamp = NonZero(_time.GetTimestamp());

        // The timer holds the manager weakly, so a manager the host forgot to dispose stays collectable; the next tick
        // then disposes the timer. Created with the flow suppressed so it never captures the constructing caller's
        // ambient session or user.
        var state = new IdleSweepState(new WeakReference<SessionManager>(this));
        using (ExecutionContext.SuppressFlow())
        {
            _idleSweep = state.Timer = _time.CreateTimer(
                static state =>
                {
                    var sweep = (IdleSweepState)state!;
                    if (sweep.Manager.TryGetTarget(out var manager))
                    {
                        manager.SweepIdle();
                    }
                    else
                    {
                        sweep.Timer?.Dispose();
                    }
                },
                state,
                _idleSweepInterval,
                _idleSweepInterval);
        }
    }

    /// <summary>Stops the idle sweep (shutdown closes the sessions itself). Idempotent.</summary>
    private void StopIdleSweep() => Interlocked.Exchange(ref _idleSweep, null)?.Dispose();

    /// <summary>One tick: refresh the stamp, then close every open session idle for longer than its timeout.</summary>
    private void SweepIdle()
    {
        if (Volatile.Read(ref _disposeState) != 0 || Interlocked.Exchange(ref _sweeping, 1) != 0)
        {
            return;
        }

        try
        {
            var now = NonZero(_time.GetTimestamp());
            var previous = _activityStamp;
            Volatile.Write(ref _activityStamp, now);
            var report = default(IdleSweepReport);

            // The dictionary's enumerator takes no lock and copies nothing, so a sweep over a million sessions never
            // blocks connects or disconnects (Values would take every lock and copy the registry).
            foreach (var pair in _sessions)
            {
                if (Volatile.Read(ref _disposeState) != 0)
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
                    && _time.GetElapsedTime(last, now) - _idleSweepInterval >= timeout
                    && session.TryMarkClosedIfIdle())
                {
                    // Counted at once, as DisconnectAsync counts right after its own mark: shutdown passes over closed
                    // sessions and waits for this count instead.
                    Interlocked.Increment(ref _closing.Value);
                    _logger.IdleSessionClosing(session.Id, timeout);
                    Detach(CloseIdleAsync(session));
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

    /// <summary>
    /// The polite close for a session the sweep already marked closed: <c>on_session_closing</c>, the reason, the
    /// transport's close (bounded by the close timeout), then the disconnect with its <c>on_disconnect</c> triggers.
    /// </summary>
    private async ValueTask CloseIdleAsync(Session session)
    {
        try
        {
            try
            {
                // The same polite part as any close, without a grace period (so without a claimed run).
                await TellClientAsync(session, null, SessionCloseReason.IdleTimeout, TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // TellClientAsync logs the transport's failures itself; this is a last guard so the disconnect follows.
                _logger.TransportCloseFailed(session.Id, ex);
            }

            await DisconnectCoreAsync(session, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            // The sweep's own count; DisconnectCoreAsync counted (and uncounted) itself. Same drain rule as FinishClose.
            if (Interlocked.Decrement(ref _closing.Value) == 0 && Volatile.Read(ref _disposeState) != 0)
            {
                _closesDrained.TrySetResult();
            }
        }
    }

    private static long NonZero(long timestamp) => timestamp == 0 ? 1 : timestamp;

    /// <summary>The sweep timer's state: the manager, weakly, and the timer itself so a tick can dispose it.</summary>
    private sealed class IdleSweepState(WeakReference<SessionManager> manager)
    {
        public WeakReference<SessionManager> Manager { get; } = manager;

        public ITimer? Timer { get; set; }
    }
}
