namespace SessionKit.Internal;

/// <summary>
/// Connects: a guest session (with or without <c>on_connect</c> triggers, traced or not) or a session that starts as
/// a pre-authenticated user (Tarantool 3's <c>box.session.new{user=}</c>), with its per-user limit and evictions.
/// </summary>
internal sealed class SessionConnector(
    IUserDirectory directory,
    SessionRegistrar registrar,
    ConnectStep step,
    UserChanges changes,
    TriggerDispatcher dispatcher,
    AccountWatcher? accountWatcher,
    ManagerLifetime lifetime,
    AmbientSlot ambient)
{
    /// <summary>Connects with arguments the caller validated (peer formatted, names within their bounds).</summary>
    public ValueTask<Session> ConnectAsync(SessionType type, string? peer, string? userName, string? host, ISessionConnection? connection, SessionUser? authenticated, CancellationToken cancellationToken)
    {
        lifetime.ThrowIfShuttingDown();
        if (userName is not null)
        {
            if (!directory.TryFindUser(userName, out var user))
            {
                throw new UserNotFoundException(userName);
            }

            return ConnectAsUserAsync(type, peer, user, host, connection, fromDirectory: true, cancellationToken);
        }

        // The host authenticated the user itself: the directory is not asked (it may not know the user at all).
        if (authenticated is not null && authenticated.Id != SessionUser.Guest.Id)
        {
            return ConnectAsUserAsync(type, peer, authenticated, host, connection, fromDirectory: false, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (step.HasTriggers)
        {
            return ConnectWithTriggersAsync(type, peer, host, connection, cancellationToken);
        }

        // The common path is synchronous, so the span starts and ends here and never leaks into the caller's flow.
        Session session;
        using (var activity = SessionActivities.Start(SessionActivities.Connect, null))
        {
            session = registrar.RegisterNew(type, peer, host, connection, connecting: false);
            activity?.SetTag("sessionkit.session.id", session.Id);
        }

        // Shutdown began meanwhile: close the session and refuse. No trigger runs (there were none when this connect
        // looked), so nothing runs in the caller's flow here.
        return lifetime.IsRunning
            ? new ValueTask<Session>(session)
            : step.FinishAsync(default, session, inPhase: false);
    }

    /// <summary>Tarantool 3's <c>box.session.new{user=}</c>: the session starts as <paramref name="user"/> without <c>on_auth</c>.</summary>
    private async ValueTask<Session> ConnectAsUserAsync(SessionType type, string? peer, SessionUser user, string? host, ISessionConnection? connection, bool fromDirectory, CancellationToken cancellationToken)
    {
        if (fromDirectory && !directory.MayConnect(user))
        {
            await dispatcher.FireAccessDeniedAsync(ambient.Session, "Session", "universe", string.Empty, user.Name, cancellationToken).ConfigureAwait(false);
            throw SessionGuards.SessionAccessDenied(user);
        }

        cancellationToken.ThrowIfCancellationRequested();
        using var activity = SessionActivities.Start(SessionActivities.Connect, null);
        var session = registrar.Create(type, peer, host, connection, connecting: true);

        // Indexed (with the per-user limit checked) before it is registered, so a refused session is never seen by
        // anyone and runs no trigger. Until Publish marks it registered, the index hides it from SessionsOf,
        // CloseUserSessionsAsync, kicks and evictions, so the index never lists a session that Exists denies.
        var admission = await changes.AdmitAsync(session, user, cancellationToken).ConfigureAwait(false);
        var change = changes.ChangeAdmitted(session, user, admission);
        registrar.Publish(session);
        activity?.SetTag("sessionkit.session.id", session.Id);

        // Removed or disabled between the look-up and the registration: EnsureStands starts the close, which this
        // connect step then reports as any close during a connect (SessionClosedException, on_disconnect last).
        // A user the host authenticated is not the directory's to remove.
        if (fromDirectory)
        {
            _ = accountWatcher?.EnsureStands(session, user);
        }

        // The connect step covers on_user_online and on_connect: a close meanwhile hands its on_disconnect to the
        // step's end. Evictions wait until on_connect accepted the newcomer, so a refused one evicts nothing.
        await step.FinishAsync(PublishThenConnect(change with { Evict = null }, cancellationToken), session, inPhase: true).ConfigureAwait(false);
        if (change.Evict is { Length: > 0 })
        {
            await changes.EvictForAsync(session, user, change.Evict, cancellationToken).ConfigureAwait(false);
        }

        return session;
    }

    /// <summary>Publishes the pre-authenticated user's arrival, then starts <c>on_connect</c>; either failing faults the returned task.</summary>
    private ValueTask PublishThenConnect(UserChange change, CancellationToken cancellationToken)
    {
        ValueTask published;
        try
        {
            published = changes.PublishAsync(change, cancellationToken);
        }
        catch (Exception ex)
        {
            return ValueTask.FromException(ex);
        }

        if (published.IsCompletedSuccessfully)
        {
            published.GetAwaiter().GetResult();
            return step.HasTriggers ? step.StartTriggers(change.Session, cancellationToken) : default;
        }

        return ThenConnectAsync(published, change.Session, cancellationToken);

        async ValueTask ThenConnectAsync(ValueTask published, Session session, CancellationToken cancellationToken)
        {
            await published.ConfigureAwait(false);
            await step.StartTriggers(session, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A connect with <c>on_connect</c> triggers: they run as the new session; the first error refuses it.</summary>
    private ValueTask<Session> ConnectWithTriggersAsync(SessionType type, string? peer, string? host, ISessionConnection? connection, CancellationToken cancellationToken)
    {
        // With a listener, the span must start inside an async method: started here, it would stay Activity.Current
        // in the caller's flow after the connect returned. With the flow suppressed there is no context to restore.
        var callerContext = ExecutionContext.Capture();
        if (callerContext is null || SessionActivities.Source.HasListeners())
        {
            return ConnectTracedAsync(type, peer, host, connection, cancellationToken);
        }

        // Not traced: no async method unless a trigger goes async or refuses. Two nested state machines cost more than
        // the three triggers of the benchmark. What an async method's builder does on return is done by hand: whatever
        // the triggers' synchronous part set in the ExecutionContext (an AsyncLocal, an Activity) or as the
        // SynchronizationContext is dropped, so nothing leaks into the caller. A trigger that went async keeps its own
        // context.
        var callerSynchronizationContext = SynchronizationContext.Current;
        var session = registrar.RegisterNew(type, peer, host, connection, connecting: true);
        var pending = step.StartTriggers(session, cancellationToken);
        ExecutionContext.Restore(callerContext);
        if (SynchronizationContext.Current != callerSynchronizationContext)
        {
            SynchronizationContext.SetSynchronizationContext(callerSynchronizationContext);
        }

        if (pending.IsCompletedSuccessfully)
        {
            pending.GetAwaiter().GetResult();

            // The connect step ends here; a close that came meanwhile handed its on_disconnect to us.
            var handedOver = session.ExitPhase();
            if (!handedOver && !session.IsClosed && lifetime.IsRunning)
            {
                return new ValueTask<Session>(session);
            }

            return step.FinishAsync(default, session, inPhase: false, handedOver);
        }

        return step.FinishAsync(pending, session, inPhase: true);
    }

    private async ValueTask<Session> ConnectTracedAsync(SessionType type, string? peer, string? host, ISessionConnection? connection, CancellationToken cancellationToken)
    {
        using var activity = SessionActivities.Start(SessionActivities.Connect, null);
        var session = registrar.RegisterNew(type, peer, host, connection, connecting: true);
        activity?.SetTag("sessionkit.session.id", session.Id);
        try
        {
            return await step.FinishAsync(step.StartTriggers(session, cancellationToken), session, inPhase: true).ConfigureAwait(false);
        }
        catch
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "the connection was refused");
            throw;
        }
    }
}
