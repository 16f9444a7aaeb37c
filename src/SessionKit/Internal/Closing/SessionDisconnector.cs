using Microsoft.Extensions.Logging;

namespace SessionKit.Internal;

/// <summary>
/// The second half of every close, once a caller won <see cref="Session.TryMarkClosed"/>: <c>on_disconnect</c> (run here,
/// or handed over to a connect or authentication still running), then destroy once the last reference is gone. Owns
/// the count of closes still running, which shutdown drains.
/// </summary>
internal sealed class SessionDisconnector
{
    private readonly TriggerDispatcher _dispatcher;
    private readonly SessionDestroyer _destroyer;
    private readonly UserMembership _membership;
    private readonly AmbientSlot _ambient;
    private readonly ManagerLifetime _lifetime;
    private readonly TriggerLists _lists;
    private readonly SessionMetrics _metrics;
    private readonly ILogger _logger;

    // Completed by the close that brings _closing to zero once shutdown has begun (see EndClose).
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Closes whose on_disconnect triggers are running (or about to). Shutdown waits for it to reach zero. On a cache
    // line of its own: every disconnect writes it.
    private PaddedLong _closing;

    public SessionDisconnector(TriggerDispatcher dispatcher, SessionDestroyer destroyer, UserMembership membership, AmbientSlot ambient, ManagerLifetime lifetime, TriggerLists lists, SessionMetrics metrics, ILogger logger)
    {
        _dispatcher = dispatcher;
        _destroyer = destroyer;
        _membership = membership;
        _ambient = ambient;
        _lifetime = lifetime;
        _lists = lists;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>Gets a value indicating whether closes are still running.</summary>
    public bool HasClosesRunning => Volatile.Read(ref _closing.Value) > 0;

    /// <summary>Gets a task that completes when the last running close ends after shutdown began.</summary>
    public Task Drained => _drained.Task;

    /// <summary>
    /// Disconnects a session the caller just marked closed (it won <see cref="Session.TryMarkClosed"/>), so this runs
    /// exactly once per session.
    /// </summary>
    public ValueTask DisconnectAsync(Session session, CancellationToken cancellationToken)
    {
        // Counted first, before SignalClosed runs the host's Closed callbacks: shutdown passes over sessions already
        // closed and relies on this count to wait for their close (a handed-over close stays counted until the step
        // that runs it finishes).
        BeginClose();
        session.SignalClosed();
        _metrics.Closed(session);
        _logger.SessionDisconnected(session.Id);

        // A connect or authentication still running gets the on_disconnect: it runs when the step ends, never before
        // or beside on_connect / on_auth. Handed over only after the count above, so the step's EndClose can never
        // decrement before this increment.
        return session.TryHandOverDisconnect()
            ? AwaitHandedOverDisconnectAsync(session, cancellationToken)
            : RunDisconnectAsync(session, cancellationToken);
    }

    /// <summary>Ends a lifecycle step; runs the on_disconnect a close handed over to it, if this was the last step.</summary>
    public ValueTask ExitPhaseAsync(Session session) =>
        session.ExitPhase() ? RunHandedOverDisconnectAsync(session) : default;

    /// <summary>Runs an on_disconnect handed over by a close to the step that just ended; never throws.</summary>
    public async ValueTask RunHandedOverDisconnectAsync(Session session)
    {
        try
        {
            await RunDisconnectAsync(session, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            session.Extras.CompleteHandedOverDisconnect();
        }
    }

    /// <summary>Counts a close that will run <see cref="DisconnectAsync"/> later (the idle sweep marks first).</summary>
    public void BeginClose() => Interlocked.Increment(ref _closing.Value);

    /// <summary>Uncounts a close; the one that reaches zero once shutdown has begun completes the drain.</summary>
    public void EndClose()
    {
        // The decrement is a full fence, and so is shutdown's write of the lifetime state (Interlocked.Exchange): either
        // the close that reaches zero sees shutdown and completes the drain, or shutdown's own read sees zero.
        if (Interlocked.Decrement(ref _closing.Value) == 0 && !_lifetime.IsRunning)
        {
            _drained.TrySetResult();
        }
    }

    /// <summary>Waits for an on_disconnect handed over to a running step, unless the caller is that session's own flow (it would wait for itself).</summary>
    private ValueTask AwaitHandedOverDisconnectAsync(Session session, CancellationToken cancellationToken)
    {
        var done = session.Extras.HandedOverDisconnect;
        if (done.IsCompleted || ReferenceEquals(_ambient.Current?.Holder, session.Holder))
        {
            return default;
        }

        return new ValueTask(done.WaitAsync(cancellationToken));
    }

    private async ValueTask RunDisconnectAsync(Session session, CancellationToken cancellationToken)
    {
        // An async method that completes synchronously allocates nothing, so a disconnect whose triggers are
        // synchronous stays allocation-free.
        var slow = _lists.Disconnect.Count != 0 || (session.Resource is not null && _lists.ResourceUnbind.Count != 0);
        using var activity = slow ? SessionActivities.Start(SessionActivities.Disconnect, session) : null;
        try
        {
            if (slow)
            {
                session.DisconnectRunning = true;
            }

            // A closed session cannot receive, so it gives up its address at once; the indexes are cleared before
            // the unbind event runs, as in Prosody.
            if (session.Resource is not null)
            {
                await UnbindOnCloseAsync(session, cancellationToken).ConfigureAwait(false);
            }

            await _dispatcher.RunSessionTriggersAsync(_lists.Disconnect, session, TriggerListNames.Disconnect, continueOnError: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            FinishClose(session);
        }
    }

    // A method of its own because the trigger context's lambda captures the resource and the reason: in the caller
    // the compiler would allocate that closure at the top of the block on every disconnect, bound or not.
    private ValueTask UnbindOnCloseAsync(Session session, CancellationToken cancellationToken)
    {
        if (_membership.Index.Unbind(session, session.User) is not { } resource)
        {
            return default;
        }

        // Released cluster-wide before on_resource_unbind runs and before the close returns, so a KickOld binder that
        // awaited this close claims the resource after this release.
        _membership.Directory?.ReleaseResource(session, session.User, resource);

        var reason = session.ExtrasOrNull?.CloseReason;
        return _dispatcher.RunForSessionAsync(_lists.ResourceUnbind, session, TriggerListNames.ResourceUnbind, true, cancellationToken, (s, t) => new ResourceBindContext(s!, resource, reason, t));
    }

    private void FinishClose(Session session)
    {
        session.DisconnectRunning = false;

        // The connection's own reference goes last: destroy waits for both on_disconnect and in-flight requests.
        _destroyer.Release(session);
        EndClose();
    }
}
