using Microsoft.Extensions.Logging;

namespace SessionKit.Internal;

/// <summary>
/// The connect step of a new session: <c>on_connect</c> (and <c>on_user_online</c> for a pre-authenticated user) and
/// its end, which refuses the connection on a trigger's error, reports a close that came meanwhile, and closes a
/// session that shutdown may have missed.
/// </summary>
internal sealed class ConnectStep(TriggerDispatcher dispatcher, TriggerList<SessionTriggerContext> onConnect, SessionDisconnector disconnector, ManagerLifetime lifetime, ILogger logger)
{
    /// <summary>Gets a value indicating whether <c>on_connect</c> has triggers.</summary>
    public bool HasTriggers => onConnect.Count != 0;

    /// <summary>
    /// Starts <c>on_connect</c>; a trigger that throws synchronously faults the returned task, so that the refusal
    /// handles both alike. It runs even for a session closed before it started (its <c>Closed</c> token has fired):
    /// every registered session sees <c>on_connect</c> then <c>on_disconnect</c>, once each, in that order.
    /// </summary>
    public ValueTask StartTriggers(Session session, CancellationToken cancellationToken)
    {
        try
        {
            return dispatcher.RunSessionTriggersAsync(onConnect, session, TriggerListNames.Connect, continueOnError: false, cancellationToken);
        }
        catch (Exception ex)
        {
            return ValueTask.FromException(ex);
        }
    }

    /// <summary>
    /// Waits for the connect step, then ends it: an on_disconnect a close handed over runs now, after the step. An error
    /// refuses the connection (the session is closed, then the error propagates); a close during the step makes the
    /// connect throw <see cref="SessionClosedException"/>; shutdown during the run closes it too.
    /// </summary>
    /// <param name="pending">The step's triggers.</param>
    /// <param name="session">The new session.</param>
    /// <param name="inPhase">Whether the connect step is still to be ended here (false when the caller ended it, or never started one).</param>
    /// <param name="handedOver">Whether the caller's end of the step took over a close's on_disconnect.</param>
    public async ValueTask<Session> FinishAsync(ValueTask pending, Session session, bool inPhase, bool handedOver = false)
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
            await disconnector.RunHandedOverDisconnectAsync(session).ConfigureAwait(false);
        }

        if (refusal is not null)
        {
            logger.ConnectRefused(session.Id, refusal);
            if (session.TryMarkClosed())
            {
                await disconnector.DisconnectAsync(session, CancellationToken.None).ConfigureAwait(false);
            }

            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(refusal);
        }

        if (!lifetime.IsRunning)
        {
            // Shutdown began while the triggers ran and may have missed this session: close it here.
            if (session.TryMarkClosed())
            {
                session.Extras.CloseReason ??= SessionCloseReason.SystemShutdown;
                await disconnector.DisconnectAsync(session, CancellationToken.None).ConfigureAwait(false);
            }

            lifetime.ThrowIfShuttingDown();
        }

        if (session.IsClosed)
        {
            // Closed by a kick, a close or an eviction while its triggers ran: the host must not get a dead session.
            throw new SessionClosedException(session.Id, $"Session {session.Id} was closed while it connected.");
        }

        return session;
    }
}
