using Microsoft.Extensions.Logging;

namespace SessionKit.Internal;

/// <summary>
/// The polite close behind <see cref="Session.CloseAsync"/>, kicks, evictions, replacements, idle timeouts and
/// shutdown: <c>on_session_closing</c>, the reason, the transport's close, the grace wait, then the disconnect. Owns
/// the flow marker (<see cref="CloseFlow"/>) that tells a re-entrant call it is inside the close it would wait for.
/// </summary>
internal sealed class SessionCloser
{
    // Task.Delay accepts at most about 49.7 days; a longer grace period is waited in steps of this size.
    private static readonly TimeSpan MaxGraceStep = TimeSpan.FromDays(30);

    private readonly SessionDisconnector _disconnector;
    private readonly HoldingRuns _runs;
    private readonly TriggerList<SessionClosingContext> _closing;
    private readonly ManagerLifetime _lifetime;
    private readonly TimeProvider _time;
    private readonly TimeSpan _closeTimeout;
    private readonly ILogger _logger;

    // The closes the current flow is part of. Written only by the polite close, never on the connect/disconnect hot
    // paths.
    private readonly AsyncLocal<CloseFlow?> _flow = new();

    public SessionCloser(SessionDisconnector disconnector, HoldingRuns runs, TriggerList<SessionClosingContext> closing, ManagerLifetime lifetime, TimeProvider time, TimeSpan closeTimeout, ILogger logger)
    {
        _disconnector = disconnector;
        _runs = runs;
        _closing = closing;
        _lifetime = lifetime;
        _time = time;
        _closeTimeout = closeTimeout;
        _logger = logger;
    }

    /// <summary>Gets a value indicating whether the current flow is part of some close (its triggers, its transport's close, work they started).</summary>
    public bool IsInAnyClose => _flow.Value is not null;

    /// <summary>Tells whether the current flow is part of <paramref name="session"/>'s close.</summary>
    public bool IsInCloseOf(Session session) => _flow.Value?.Contains(session) == true;

    /// <summary>
    /// Closes a session politely: tell the client, wait the grace period, disconnect. Returns <see langword="true"/>
    /// when this call closed the session.
    /// </summary>
    /// <remarks>
    /// The first call claims the close and starts it; the close then finishes whatever happens to that caller. The
    /// caller's token only cuts the polite part short (the triggers' token, the transport's close, the grace wait)
    /// and stops the caller's own wait; the session is still disconnected and destroyed. Later calls join the running
    /// close (one that wants no grace period ends its grace wait); a call from inside that close returns at once.
    /// </remarks>
    public ValueTask<bool> CloseAsync(Session session, SessionCloseReason reason, TimeSpan gracePeriod, CancellationToken cancellationToken)
    {
        if (session.IsClosed)
        {
            // Closing a closed or destroyed session is the tombstone's no-op (Prosody logs "already closed").
            _logger.AlreadyClosed(session.Id);
            return new ValueTask<bool>(false);
        }

        // Checked before claiming, so that a refused call never leaves a claim behind. Reported through the task, as
        // every other failure of a close is.
        try
        {
            _lifetime.ThrowIfDisposed();
        }
        catch (ObjectDisposedException ex)
        {
            return ValueTask.FromException<bool>(ex);
        }

        var run = new CloseRun(gracePeriod > TimeSpan.Zero);
        if (session.TryStartClose(run) is { } running)
        {
            return JoinCloseAsync(session, running, gracePeriod, cancellationToken);
        }

        // The close runs to its end on its own; the caller's token cuts only its polite part and the caller's wait.
        var closing = RunCloseAsync(session, run, reason, gracePeriod, cancellationToken);
        return new ValueTask<bool>(closing.IsCompleted || !cancellationToken.CanBeCanceled ? closing : closing.WaitAsync(cancellationToken));
    }

    /// <summary>Closes <paramref name="session"/> unless it is closed already; <see langword="true"/> when this call closed it.</summary>
    public ValueTask<bool> CloseIfOpenAsync(Session session, SessionCloseReason reason, CancellationToken cancellationToken) =>
        session.IsClosed ? new ValueTask<bool>(false) : CloseAsync(session, reason, TimeSpan.Zero, cancellationToken);

    /// <summary>
    /// The polite close for a session the idle sweep already marked closed (and counted with
    /// <see cref="SessionDisconnector.BeginClose"/>): the same polite part without a grace period, then the disconnect.
    /// </summary>
    public async ValueTask CloseMarkedAsync(Session session, SessionCloseReason reason)
    {
        try
        {
            try
            {
                await TellClientAsync(session, null, reason, TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // TellClientAsync logs the transport's failures itself; this is a last guard so the disconnect follows.
                _logger.TransportCloseFailed(session.Id, ex);
            }

            await _disconnector.DisconnectAsync(session, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            // The sweep's own count; DisconnectAsync counted (and uncounts) itself.
            _disconnector.EndClose();
        }
    }

    private async ValueTask<bool> JoinCloseAsync(Session session, CloseRun running, TimeSpan gracePeriod, CancellationToken cancellationToken)
    {
        // Another close is telling the client; wait for it rather than return while the session is still open.
        _logger.AlreadyClosed(session.Id);
        if (gracePeriod == TimeSpan.Zero)
        {
            // A kick, an eviction, a replacement or shutdown does not wait out another caller's grace period.
            running.Hurry();
        }

        if (IsInCloseOf(session))
        {
            // Asked for by the running close's own triggers or transport: that close waits for this call, so waiting
            // for it would never end. It goes on once this call's caller returns.
            return false;
        }

        await running.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
        return false;
    }

    /// <summary>Runs a claimed close to its end: the polite part may fail or be cancelled; the disconnect always follows.</summary>
    private async Task<bool> RunCloseAsync(Session session, CloseRun run, SessionCloseReason reason, TimeSpan gracePeriod, CancellationToken cancellationToken)
    {
        // Inherited by everything this close awaits (an async method's change never leaks into its caller).
        _flow.Value = new CloseFlow(session, _flow.Value);
        try
        {
            try
            {
                await TellClientAsync(session, run, reason, gracePeriod, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Best effort: whatever goes wrong while telling the client, the session is disconnected below.
                _logger.TransportCloseFailed(session.Id, ex);
            }
            catch (OperationCanceledException)
            {
                // The caller cancelled: the polite part ends here and the session is disconnected at once.
            }

            // False when the host disconnected it meanwhile (the client hung up); that close ran on_disconnect.
            if (session.TryMarkClosed())
            {
                await _disconnector.DisconnectAsync(session, CancellationToken.None).ConfigureAwait(false);
            }

            return true;
        }
        finally
        {
            // Always, so that no joiner, kick-old bind, eviction or shutdown ever waits for a close nobody finishes.
            run.Complete();
        }
    }

    /// <summary>The polite part: <c>on_session_closing</c>, the transport's close, the grace wait (only for a claimed close, <paramref name="run"/> not null).</summary>
    private async ValueTask TellClientAsync(Session session, CloseRun? run, SessionCloseReason reason, TimeSpan gracePeriod, CancellationToken cancellationToken)
    {
        if (_closing.Count != 0)
        {
            // Errors go to the log (the run continues past them), so this does not throw.
            var closing = new SessionClosingContext(session, reason, cancellationToken);
            await _runs.RunAsync(_closing, session, TriggerListNames.SessionClosing, true, cancellationToken, (_, _) => closing).ConfigureAwait(false);
            reason = closing.Reason;
        }

        _logger.SessionClosing(session.Id, reason.Condition);
        session.Extras.CloseReason = reason;
        if (session.Connection is not { } connection)
        {
            return;
        }

        await CloseTransportAsync(session, connection, reason, cancellationToken).ConfigureAwait(false);
        if (run is not null && gracePeriod > TimeSpan.Zero && !session.IsClosed)
        {
            await WaitGraceAsync(session, run, gracePeriod, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask CloseTransportAsync(Session session, ISessionConnection connection, SessionCloseReason reason, CancellationToken cancellationToken)
    {
        Task? closing = null;
        try
        {
            closing = connection.CloseAsync(reason, cancellationToken).AsTask();
            await closing.WaitAsync(_closeTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A broken or hanging transport must not keep the session alive.
            _logger.TransportCloseFailed(session.Id, ex);
        }
        catch (OperationCanceledException)
        {
            // The caller cancelled; the session is disconnected anyway.
        }

        if (closing is { IsCompleted: false })
        {
            // Given up on (timed out or cancelled): observe its eventual failure so it is not reported as unobserved.
            Detached.Observe(closing);
        }
    }

    /// <summary>Gives the client up to <paramref name="gracePeriod"/> to hang up itself; ends early when it does, when the caller cancels, or when a close that wants no grace joins.</summary>
    private async ValueTask WaitGraceAsync(Session session, CloseRun run, TimeSpan gracePeriod, CancellationToken cancellationToken)
    {
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, session.Closed, run.HurryToken);
        try
        {
            for (var remaining = gracePeriod; remaining > TimeSpan.Zero; remaining -= MaxGraceStep)
            {
                await Task.Delay(remaining < MaxGraceStep ? remaining : MaxGraceStep, _time, ended.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The client hung up (the host's DisconnectAsync fired Closed), the caller cancelled, or a kick came.
        }
    }
}
