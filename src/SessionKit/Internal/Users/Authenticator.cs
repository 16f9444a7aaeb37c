using Microsoft.Extensions.Logging;

namespace SessionKit.Internal;

/// <summary>
/// Authentication (Tarantool 2.11+ order): the credential check with the directory (bounded and queued by the
/// verification gate), the may-connect check, <c>on_auth</c> for successes and failures as the pre-authentication user,
/// then the user switch and its events.
/// </summary>
internal sealed class Authenticator(
    IUserDirectory directory,
    VerificationGate verifications,
    TriggerDispatcher dispatcher,
    TriggerList<AuthTriggerContext> onAuth,
    UserChanges changes,
    SessionDisconnector disconnector,
    AccountWatcher? accountWatcher,
    SessionMetrics metrics,
    ILogger logger)
{
    /// <summary>Authenticates a session the caller validated (argument checks, not disposed, not closed).</summary>
    public async ValueTask<SessionUser> AuthenticateAsync(Session session, string userName, string password, CancellationToken cancellationToken)
    {
        using var activity = SessionActivities.Start(SessionActivities.Authenticate, session);

        var verified = await verifications.VerifyAsync(directory, userName, password, cancellationToken).ConfigureAwait(false);
        SessionGuards.ThrowIfClosed(session);
        if (verified is not null && !directory.MayConnect(verified))
        {
            metrics.Authentication("denied");
            await dispatcher.FireAccessDeniedAsync(session, "Session", "universe", string.Empty, verified.Name, cancellationToken).ConfigureAwait(false);
            throw SessionGuards.SessionAccessDenied(verified);
        }

        // on_auth and the user switch are a lifecycle step: a close from here on hands its on_disconnect to the
        // step's end, so on_disconnect never runs beside on_auth and never sees the user change under it. The
        // directory's check stays outside: it is host code without the session's context, and a close during it runs
        // on_disconnect at once (the step then refuses to start).
        if (!session.TryEnterPhase())
        {
            SessionGuards.ThrowClosedDuringAuthentication(session);
        }

        var triggerFailed = false;
        try
        {
            try
            {
                await dispatcher.RunAuthAsync(onAuth, session, userName, verified is not null, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception)
            {
                metrics.Authentication("error");
                logger.AuthFailed(session.Id, "an on_auth trigger failed");
                triggerFailed = true;
                throw;
            }

            // Closed while on_auth ran: the authentication fails, and the tombstone keeps the user on_disconnect sees.
            SessionGuards.ThrowIfClosed(session);
            if (verified is null)
            {
                metrics.Authentication("failure");
                logger.AuthFailed(session.Id, "unknown user or invalid credentials");
                activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error);
                throw new AuthenticationFailedException();
            }

            UserChange change;
            try
            {
                var admission = await changes.AdmitAsync(session, verified, cancellationToken).ConfigureAwait(false);
                change = changes.ChangeAdmitted(session, verified, admission);
            }
            catch (SessionLimitExceededException)
            {
                metrics.Authentication("denied");
                throw;
            }

            if (accountWatcher is { } watcher && !watcher.EnsureStands(session, verified))
            {
                // The directory removed or disabled the user meanwhile: the session is being closed (its on_disconnect
                // runs when this step ends), and to the client the credentials are simply no longer valid.
                metrics.Authentication("failure");
                logger.AuthFailed(session.Id, "the user was removed or disabled meanwhile");
                throw new AuthenticationFailedException();
            }

            metrics.Authentication("success");
            logger.AuthSucceeded(session.Id, verified.Name);
            await changes.PublishAsync(change, cancellationToken).ConfigureAwait(false);
            return verified;
        }
        finally
        {
            await disconnector.ExitPhaseAsync(session).ConfigureAwait(false);
            if (triggerFailed && session.TryMarkClosed())
            {
                // As Tarantool's docs say: an on_auth error fails the authentication and closes the session. Closed
                // after the step ended, so this call runs on_disconnect itself rather than waiting for itself.
                await disconnector.DisconnectAsync(session, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }
}
