using SessionKit.Internal;

namespace SessionKit;

public sealed partial class SessionManager
{
    // The close's second half: on_disconnect (run here, or handed over to a connect or authentication still running),
    // then destroy once the last request scope has left.

    private ValueTask DisconnectCoreAsync(Session session, CancellationToken cancellationToken)
    {
        // The caller won TryMarkClosed, so this runs exactly once per session. Counted first, before SignalClosed
        // runs the host's Closed callbacks: shutdown passes over sessions already closed and relies on this count to
        // wait for their close (a handed-over close stays counted until the step that runs it finishes).
        Interlocked.Increment(ref _closing.Value);
        session.SignalClosed();
        _metrics.Closed(session.Type);
        _logger.SessionDisconnected(session.Id);

        // A connect or authentication still running gets the on_disconnect: it runs when the step ends, never
        // before or beside on_connect / on_auth. Handed over only after the count above, so the step's FinishClose
        // can never decrement before this increment.
        return session.TryHandOverDisconnect()
            ? AwaitHandedOverDisconnectAsync(session, cancellationToken)
            : RunDisconnectAsync(session, cancellationToken);
    }

    /// <summary>Waits for an on_disconnect handed over to a running step, unless the caller is that session's own flow (it would wait for itself).</summary>
    private ValueTask AwaitHandedOverDisconnectAsync(Session session, CancellationToken cancellationToken)
    {
        var done = session.Extras.HandedOverDisconnect;
        if (done.IsCompleted || ReferenceEquals(Ambient?.Holder, session.Holder))
        {
            return default;
        }

        return new ValueTask(done.WaitAsync(cancellationToken));
    }

    /// <summary>Runs an on_disconnect handed over by a close to the step that just ended; never throws.</summary>
    private async ValueTask RunHandedOverDisconnectAsync(Session session)
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

    /// <summary>Ends a lifecycle step; runs the on_disconnect a close handed over to it, if this was the last step.</summary>
    private ValueTask ExitPhaseAsync(Session session) =>
        session.ExitPhase() ? RunHandedOverDisconnectAsync(session) : default;

    private async ValueTask RunDisconnectAsync(Session session, CancellationToken cancellationToken)
    {
        // An async method that completes synchronously allocates nothing, so a disconnect whose triggers are
        // synchronous stays allocation-free.
        var slow = OnDisconnect.Count != 0 || (session.Resource is not null && OnResourceUnbind.Count != 0);
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

            await RunSessionTriggersAsync(OnDisconnect, session, TriggerListNames.Disconnect, continueOnError: true, cancellationToken).ConfigureAwait(false);
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
        if (_index.Unbind(session, session.User) is not { } resource)
        {
            return default;
        }

        var reason = session.ExtrasOrNull?.CloseReason;
        return RunForSessionAsync(OnResourceUnbind, session, TriggerListNames.ResourceUnbind, true, cancellationToken, (s, t) => new ResourceBindContext(s!, resource, reason, t));
    }

    private void FinishClose(Session session)
    {
        session.DisconnectRunning = false;

        // The connection's own reference goes last: destroy waits for both on_disconnect and in-flight requests.
        if (session.Release())
        {
            Destroy(session);
        }

        // The decrement is a full fence, and so is shutdown's write of _disposeState (Interlocked.Exchange): either
        // the close that reaches zero sees shutdown and completes the drain, or shutdown's own read sees zero.
        if (Interlocked.Decrement(ref _closing.Value) == 0 && Volatile.Read(ref _disposeState) != 0)
        {
            _closesDrained.TrySetResult();
        }
    }

    private void Destroy(Session session)
    {
        var offline = false;

        // Under the session's lock so that a concurrent authentication cannot re-index a session being destroyed.
        lock (session.Holder)
        {
            // Sealed before State reads Destroyed, and again after in case the storage was created lazily in
            // between, so no write lands once the session is observably destroyed.
            session.SealStorage();
            if (!session.TryMarkDestroyed())
            {
                return;
            }

            session.SealStorage();
            var user = session.User;
            if (user.Id != _guest.Id)
            {
                offline = _index.Remove(session, user);
            }
        }

        session.ExtrasOrNull?.AuthenticationTimer?.Dispose();
        if (_sessions.TryRemove(new KeyValuePair<ulong, Session>(session.Id, session)))
        {
            Interlocked.Decrement(ref _count.Value);
        }
        _logger.SessionDestroyed(session.Id);
        if (offline && OnUserOffline.Count != 0)
        {
            // The session's own holder is detached just below; the run gets a holder of its own for its whole length.
            var user = session.User;
            Detach(RunForTombstoneAsync(OnUserOffline, session, user, TriggerListNames.UserOffline, CancellationToken.None, (s, t) => new UserPresenceContext(user.Name, s!.Host, s, t)));
        }

        session.ReleaseResources();
    }
}
