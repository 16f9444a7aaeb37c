using SessionKit.Internal;

namespace SessionKit;

public sealed partial class SessionManager
{
    /// <summary>
    /// Authenticates a session (Tarantool 2.11+ order): checks the credentials with the user directory, checks that the
    /// user may connect, runs <c>on_auth</c> (for failures too) as the pre-authentication user, then switches the
    /// session user. Re-authentication of an authenticated session is allowed.
    /// </summary>
    /// <param name="session">The session.</param>
    /// <param name="userName">The user name as the client sent it.</param>
    /// <param name="password">The password as the client sent it. Never logged or kept.</param>
    /// <param name="cancellationToken">Cancels the credential check; triggers receive it, linked to shutdown.</param>
    /// <returns>The user the session now runs as.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="userName"/> breaks the naming rule (empty, whitespace, longer than <see cref="SessionOptions.MaxUserNameLength"/>, control characters, lone surrogates, <c>@</c> or <c>/</c>); <paramref name="password"/> is longer than <see cref="SessionOptions.MaxPasswordBytes"/> in UTF-8; or <paramref name="session"/> belongs to another manager. A password that is not valid UTF-16 is a failed authentication, not this.</exception>
    /// <exception cref="AuthenticationFailedException">The user is unknown or the password is wrong or not valid UTF-16 (one message for all), or <paramref name="cancellationToken"/> was cancelled while the check waited for its turn or ran; the session user is unchanged and the session stays open.</exception>
    /// <exception cref="AccessDeniedException">The credentials are valid but the user may not connect (<c>on_access_denied</c> ran, <c>on_auth</c> did not); or the directory verified a user with a reserved id (0 or 1) under another name (nothing ran).</exception>
    /// <exception cref="SessionClosedException">The session is closed, or was closed during the authentication (while the directory checked the credentials or <c>on_auth</c> ran): the session user is unchanged, as its <c>on_disconnect</c> saw it, which runs after <c>on_auth</c> finished.</exception>
    /// <exception cref="SessionLimitExceededException">The user already holds <see cref="SessionOptions.MaxSessionsPerUser"/> sessions under <see cref="SessionLimitPolicy.RejectNew"/>; the session user is unchanged.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    /// <exception cref="Exception">An <c>on_auth</c> trigger failed: its exception, after the session was closed and its <c>on_disconnect</c> triggers ran; the user is unchanged.</exception>
    public async ValueTask<SessionUser> AuthenticateAsync(Session session, string userName, string password, CancellationToken cancellationToken = default)
    {
        ValidateSession(session);
        _limits.User(userName, nameof(userName));
        ArgumentNullException.ThrowIfNull(password);
        ThrowIfDisposed();
        ThrowIfClosed(session);
        using var activity = SessionActivities.Start(SessionActivities.Authenticate, session);

        var verified = await _verifications.VerifyAsync(_users, userName, password, cancellationToken).ConfigureAwait(false);
        ThrowIfClosed(session);
        if (verified is not null && !_users.MayConnect(verified))
        {
            _metrics.Authentication("denied");
            await FireAccessDeniedAsync(session, "Session", "universe", string.Empty, verified.Name, cancellationToken).ConfigureAwait(false);
            throw SessionAccessDenied(verified);
        }

        // on_auth and the user switch are a lifecycle step: a close from here on hands its on_disconnect to the
        // step's end, so on_disconnect never runs beside on_auth and never sees the user change under it. The
        // directory's check stays outside: it is host code without the session's context, and a close during it runs
        // on_disconnect at once (the step then refuses to start).
        if (!session.TryEnterPhase())
        {
            ThrowClosedDuringAuthentication(session);
        }

        var triggerFailed = false;
        try
        {
            try
            {
                await RunAuthTriggersAsync(session, userName, verified is not null, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception)
            {
                _metrics.Authentication("error");
                _logger.AuthFailed(session.Id, "an on_auth trigger failed");
                triggerFailed = true;
                throw;
            }

            // Closed while on_auth ran: the authentication fails, and the tombstone keeps the user on_disconnect sees.
            ThrowIfClosed(session);
            if (verified is null)
            {
                _metrics.Authentication("failure");
                _logger.AuthFailed(session.Id, "unknown user or invalid credentials");
                activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error);
                throw new AuthenticationFailedException();
            }

            UserChange change;
            try
            {
                change = ChangeSessionUser(session, verified);
            }
            catch (SessionLimitExceededException)
            {
                _metrics.Authentication("denied");
                throw;
            }

            if (_accountWatcher is not null && !_accountWatcher.EnsureStands(session, verified))
            {
                // The directory removed or disabled the user meanwhile: the session is being closed (its on_disconnect
                // runs when this step ends), and to the client the credentials are simply no longer valid.
                _metrics.Authentication("failure");
                _logger.AuthFailed(session.Id, "the user was removed or disabled meanwhile");
                throw new AuthenticationFailedException();
            }

            _metrics.Authentication("success");
            _logger.AuthSucceeded(session.Id, verified.Name);
            await PublishAsync(change, cancellationToken).ConfigureAwait(false);
            return verified;
        }
        finally
        {
            await ExitPhaseAsync(session).ConfigureAwait(false);
            if (triggerFailed && session.TryMarkClosed())
            {
                // As Tarantool's docs say: an on_auth error fails the authentication and closes the session. Closed
                // after the step ended, so this call runs on_disconnect itself rather than waiting for itself.
                await DisconnectCoreAsync(session, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Changes the session user of the current session for the rest of the session (Tarantool's one-argument
    /// <c>box.session.su(user)</c>). The caller must be allowed by <see cref="SessionOptions.SwitchUserPolicy"/>
    /// (by default: admin), judged against the flow's user without any <c>Su</c> grant: the session user in a request,
    /// the trigger's user in a trigger (admin in <c>on_connect</c>). As in Tarantool, the effective user of the current
    /// flow becomes <paramref name="user"/> too, for the rest of the current scope (the request, the <c>Su</c> scope or
    /// the trigger run).
    /// </summary>
    /// <param name="user">The user name.</param>
    /// <exception cref="ArgumentNullException"><paramref name="user"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="user"/> is empty, whitespace, longer than 256 characters or has control characters.</exception>
    /// <exception cref="InvalidOperationException">There is no current session.</exception>
    /// <exception cref="AccessDeniedException">The caller may not switch users, or the target may not connect (<c>on_access_denied</c> ran).</exception>
    /// <exception cref="UserNotFoundException">No user has that name.</exception>
    /// <exception cref="SessionClosedException">The current session is closed.</exception>
    /// <exception cref="SessionLimitExceededException">The target already holds <see cref="SessionOptions.MaxSessionsPerUser"/> sessions under <see cref="SessionLimitPolicy.RejectNew"/>; the session user is unchanged.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public void ChangeUser(string user)
    {
        var found = FindEmbedded(user, out var mayConnect);
        if (found is null)
        {
            _limits.User(user, nameof(user));
        }

        ThrowIfDisposed();
        var context = Ambient;
        var session = context?.Holder?.Session ?? throw new InvalidOperationException(
            "ChangeUser needs a current session: call it inside a request scope (Enter) or a session trigger.");
        ThrowIfClosed(session);
        if (found is null && _users is not InMemoryUserDirectory)
        {
            FindInDirectory(user, out found, out mayConnect);
        }

        var target = AuthorizeSwitch(context, session, user, found, mayConnect, SwitchUserKind.ChangeUser);
        var change = ChangeSessionUser(session, target);
        if (_accountWatcher is not null && !_accountWatcher.EnsureStands(session, target))
        {
            throw new UserNotFoundException(user);
        }

        ChangeEffectiveUserOfScope(session, context!, target);
        Detach(PublishAsync(change, CancellationToken.None));
    }

    /// <summary>
    /// As Tarantool's one-argument <c>box.session.su(user)</c>: the rest of the current scope runs as the new user. A
    /// request scope follows the session user already; a <c>Su</c> scope or a trigger run has an override, which is
    /// replaced. The scope's context is shared by everything that runs in it (the later triggers of an
    /// <c>on_connect</c> run, tasks started inside), so it is changed in place rather than by a new ambient value,
    /// which an async trigger could not hand back to the run.
    /// </summary>
    private static void ChangeEffectiveUserOfScope(Session session, AmbientContext context, SessionUser user)
    {
        if (context.EffectiveUser is null)
        {
            return;
        }

        // The trigger context of on_connect is kept on the session for later runs (on_disconnect runs as admin):
        // once changed, it is no longer that context, so later runs build a fresh one.
        if (session.ExtrasOrNull is { } extras && ReferenceEquals(extras.SystemContext, context))
        {
            extras.SystemContext = null;
        }

        context.ChangeEffectiveUser(user);
    }

    private static void ThrowIfClosed(Session session)
    {
        if (session.IsClosed)
        {
            throw new SessionClosedException(session.Id, $"Session {session.Id} is closed.");
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowClosedDuringAuthentication(Session session) =>
        throw new SessionClosedException(session.Id, $"Session {session.Id} was closed during authentication.");

    private static AccessDeniedException SessionAccessDenied(SessionUser user) =>
        new("Session", "universe", string.Empty, user.Name, $"Session access is denied for user '{Text.Truncate(user.Name)}'");
}
