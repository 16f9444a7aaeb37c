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
        var session = RegisterNew(type, peer, host, connection, connecting: true);
        var pending = StartConnectTriggers(session, cancellationToken);
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
            if (!handedOver && !session.IsClosed && Volatile.Read(ref _disposeState) == 0)
            {
                return new ValueTask<Session>(session);
            }

            return FinishConnectTriggersAsync(default, session, inPhase: false, handedOver);
        }

        return FinishConnectTriggersAsync(pending, session, inPhase: true);
    }

    private async ValueTask<Session> ConnectTracedAsync(SessionType type, string? peer, string? host, ISessionConnection? connection, CancellationToken cancellationToken)
    {
        using var activity = SessionActivities.Start(SessionActivities.Connect, null);
        var session = RegisterNew(type, peer, host, connection, connecting: true);
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
        FinishConnectTriggersAsync(StartConnectTriggers(session, cancellationToken), session, inPhase: true);

    /// <summary>
    /// Starts <c>on_connect</c>; a trigger that throws synchronously faults the returned task, so that the refusal below
    /// handles both alike. It runs even for a session closed before it started (its <c>Closed</c> token has fired):
    /// every registered session sees <c>on_connect</c> then <c>on_disconnect</c>, once each, in that order.
    /// </summary>
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

    /// <summary>
    /// Waits for the connect step (<c>on_connect</c>, and <c>on_user_online</c> for a pre-authenticated user), then ends
    /// it: an on_disconnect a close handed over runs now, after the step. An error refuses the connection (the session
    /// is closed, then the error propagates); a close during the step makes the connect throw
    /// <see cref="SessionClosedException"/>; shutdown during the run closes it too.
    /// </summary>
    /// <param name="pending">The step's triggers.</param>
    /// <param name="session">The new session.</param>
    /// <param name="inPhase">Whether the connect step is still to be ended here (false when the caller ended it, or never started one).</param>
    /// <param name="handedOver">Whether the caller's end of the step took over a close's on_disconnect.</param>
    private async ValueTask<Session> FinishConnectTriggersAsync(ValueTask pending, Session session, bool inPhase, bool handedOver = false)
    {
        Exception? refusal = null;
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            refusal = ex;
        }

        if (inPhase)
        {
            handedOver = session.ExitPhase();
        }

        if (handedOver)
        {
            await RunHandedOverDisconnectAsync(session).ConfigureAwait(false);
        }

        if (refusal is not null)
        {
            _logger.ConnectRefused(session.Id, refusal);
            if (session.TryMarkClosed())
            {
                await DisconnectCoreAsync(session, CancellationToken.None).ConfigureAwait(false);
            }

            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(refusal);
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

        if (session.IsClosed)
        {
            // Closed by a kick, a close or an eviction while its triggers ran: the host must not get a dead session.
            throw new SessionClosedException(session.Id, $"Session {session.Id} was closed while it connected.");
        }

        return session;
    }
}
