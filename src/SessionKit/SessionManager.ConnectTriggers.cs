using SessionKit.Internal;

namespace SessionKit;

public sealed partial class SessionManager
{
    // A connect with on_connect triggers: run them as the new session, refuse the connection on the first error, and
    // close a session that shutdown may have missed while they ran.

    private ValueTask<Session> ConnectWithTriggersAsync(SessionType type, string? peer, string? host, ISessionConnection? connection, CancellationToken cancellationToken)
    {
        // With a listener, the span must start inside an async method: started here, it would stay Activity.Current
        // in the caller's flow after the connect returned. With the flow suppressed there is no context to restore.
        var callerContext = ExecutionContext.Capture();
        if (callerContext is null || SessionActivities.Source.HasListeners())
        {
            return ConnectTracedAsync(type, peer, host, connection, cancellationToken);
        }

        // Not traced: no async method unless a trigger goes async or refuses. Two nested state machines (this
        // method's and RunConnectTriggersAsync's) cost more than the three triggers of the benchmark. What an async
        // method's builder does on return is done by hand: whatever the triggers' synchronous part set in the
        // ExecutionContext (an AsyncLocal, an Activity) or as the SynchronizationContext is dropped, so nothing
        // leaks into the caller. A trigger that went async keeps its own context.
        var callerSynchronizationContext = SynchronizationContext.Current;
        var session = RegisterNew(type, peer, host, connection);
        var pending = StartConnectTriggers(session, cancellationToken);
        ExecutionContext.Restore(callerContext);
        if (SynchronizationContext.Current != callerSynchronizationContext)
        {
            SynchronizationContext.SetSynchronizationContext(callerSynchronizationContext);
        }

        if (pending.IsCompletedSuccessfully && Volatile.Read(ref _disposeState) == 0)
        {
            pending.GetAwaiter().GetResult();
            return new ValueTask<Session>(session);
        }

        return FinishConnectTriggersAsync(pending, session);
    }

    private async ValueTask<Session> ConnectTracedAsync(SessionType type, string? peer, string? host, ISessionConnection? connection, CancellationToken cancellationToken)
    {
        using var activity = SessionActivities.Start(SessionActivities.Connect, null);
        var session = RegisterNew(type, peer, host, connection);
        activity?.SetTag("sessionkit.session.id", session.Id);
        try
        {
            return await RunConnectTriggersAsync(session, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "the connection was refused");
            throw;
        }
    }

    private ValueTask<Session> RunConnectTriggersAsync(Session session, CancellationToken cancellationToken) =>
        FinishConnectTriggersAsync(StartConnectTriggers(session, cancellationToken), session);

    /// <summary>Starts <c>on_connect</c>; a trigger that throws synchronously faults the returned task, so that the refusal below handles both alike.</summary>
    private ValueTask StartConnectTriggers(Session session, CancellationToken cancellationToken)
    {
        try
        {
            return RunSessionTriggersAsync(OnConnect, session, TriggerListNames.Connect, continueOnError: false, cancellationToken);
        }
        catch (Exception ex)
        {
            return ValueTask.FromException(ex);
        }
    }

    /// <summary>Waits for <c>on_connect</c>: an error refuses the connection (the session is closed, then the error propagates); shutdown during the run closes it too.</summary>
    private async ValueTask<Session> FinishConnectTriggersAsync(ValueTask pending, Session session)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.ConnectRefused(session.Id, ex);
            if (session.TryMarkClosed())
            {
                await DisconnectCoreAsync(session, CancellationToken.None).ConfigureAwait(false);
            }

            throw;
        }

        if (Volatile.Read(ref _disposeState) != 0)
        {
            // Shutdown began while the triggers ran and may have missed this session: close it here.
            if (session.TryMarkClosed())
            {
                await DisconnectCoreAsync(session, CancellationToken.None).ConfigureAwait(false);
            }

            ThrowIfShuttingDown();
        }

        return session;
    }
}
