using System.Net;
using SessionKit.Internal;

namespace SessionKit;

/// <content>The lifecycle calls: connect, authenticate, disconnect.</content>
public sealed partial class SessionManager
{
    /// <summary>
    /// Creates and registers a session for a new connection, then runs the <c>on_connect</c> triggers with the session
    /// current (user guest, effective user admin, sync 0).
    /// </summary>
    /// <param name="type">The session type.</param>
    /// <param name="peer">The client's address, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels before registration; triggers receive it, linked to shutdown.</param>
    /// <returns>The new session.</returns>
    /// <exception cref="ArgumentException">The text of <paramref name="peer"/> is longer than <see cref="SessionManagerOptions.MaxPeerLength"/> or has control characters or lone surrogates.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed or is shutting down.</exception>
    /// <exception cref="SessionClosedException">The session was closed (a kick, a close, an eviction) while its <c>on_connect</c> triggers ran; its <c>on_disconnect</c> triggers run after <c>on_connect</c> finished, exactly once.</exception>
    /// <exception cref="Exception">An <c>on_connect</c> trigger failed: its exception, after the session was closed and its <c>on_disconnect</c> triggers ran.</exception>
    public ValueTask<Session> ConnectAsync(SessionType type, EndPoint? peer = null, CancellationToken cancellationToken = default) =>
        _connector.ConnectAsync(type, PeerFormatter.Format(peer, _limits.MaxPeerLength, nameof(peer), "The peer"), null, null, null, null, cancellationToken);

    /// <summary>Creates and registers a session from <paramref name="options"/>; see <see cref="ConnectAsync(SessionType, EndPoint?, CancellationToken)"/>.</summary>
    /// <param name="options">The type, peer, pre-authenticated user and host.</param>
    /// <param name="cancellationToken">Cancels before registration; triggers receive it, linked to shutdown.</param>
    /// <returns>The new session.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException"><see cref="ConnectOptions.User"/> and <see cref="ConnectOptions.AuthenticatedUser"/> are both set; <see cref="ConnectOptions.User"/>, the name of <see cref="ConnectOptions.AuthenticatedUser"/> or <see cref="ConnectOptions.Host"/> is not a valid name (or is longer than its bound in <see cref="SessionManagerOptions"/>), or the text of <see cref="ConnectOptions.Peer"/> is longer than <see cref="SessionManagerOptions.MaxPeerLength"/> or has control characters or lone surrogates.</exception>
    /// <exception cref="UserNotFoundException"><see cref="ConnectOptions.User"/> names no user.</exception>
    /// <exception cref="AccessDeniedException"><see cref="ConnectOptions.User"/> may not connect (<c>on_access_denied</c> ran), or <see cref="ConnectOptions.AuthenticatedUser"/> holds a reserved id (0, 1) or name (<c>guest</c>, <c>admin</c>) without the other (nothing ran).</exception>
    /// <exception cref="SessionLimitExceededException"><see cref="ConnectOptions.User"/> (or <see cref="ConnectOptions.AuthenticatedUser"/>) already holds <see cref="SessionManagerOptions.MaxSessionsPerUser"/> sessions under <see cref="SessionLimitPolicy.RejectNew"/>; no session was registered, so no trigger ran (no <c>on_connect</c>, no <c>on_disconnect</c>).</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed or is shutting down.</exception>
    /// <exception cref="SessionClosedException">The session was closed while it connected (its <c>on_user_online</c> or <c>on_connect</c> triggers ran); <c>on_disconnect</c> ran after them, exactly once, and nothing was evicted for it.</exception>
    /// <exception cref="Exception">An <c>on_connect</c> trigger failed: its exception, after the session was closed and its <c>on_disconnect</c> triggers ran; nothing was evicted for it.</exception>
    /// <remarks>
    /// Under <see cref="SessionLimitPolicy.EvictOldest"/> the newcomer counts against the limit from the start, but the
    /// user's oldest sessions are evicted only once its <c>on_connect</c> accepted it: while it connects the user may
    /// hold one session over the limit per newcomer still connecting.
    /// </remarks>
    public ValueTask<Session> ConnectAsync(ConnectOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.User is not null)
        {
            ValidateOption(_limits, options.User, "ConnectOptions.User", user: true);
        }

        if (options.AuthenticatedUser is { } authenticated)
        {
            ValidateAuthenticatedUser(options, authenticated);
        }

        if (options.Host is not null)
        {
            ValidateOption(_limits, options.Host, "ConnectOptions.Host", user: false);
        }

        return _connector.ConnectAsync(options.Type, PeerFormatter.Format(options.Peer, _limits.MaxPeerLength, nameof(options), "ConnectOptions.Peer"), options.User, options.Host, options.Connection, options.AuthenticatedUser, cancellationToken);

        static void ValidateOption(SessionLimits limits, string value, string option, bool user)
        {
            try
            {
                if (user)
                {
                    limits.User(value, nameof(options));
                }
                else
                {
                    limits.Host(value, nameof(options));
                }
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException($"{option} is invalid: {ex.Message}", nameof(options), ex);
            }
        }
    }

    /// <summary>Checks <see cref="ConnectOptions.AuthenticatedUser"/>: exclusive with <see cref="ConnectOptions.User"/>, within the name rules, no reserved id or name under another.</summary>
    private void ValidateAuthenticatedUser(ConnectOptions options, SessionUser user)
    {
        if (options.User is not null)
        {
            throw new ArgumentException("ConnectOptions.User and ConnectOptions.AuthenticatedUser are exclusive; set one.", nameof(options));
        }

        try
        {
            _limits.User(user.Name, nameof(options));
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"ConnectOptions.AuthenticatedUser is invalid: {ex.Message}", nameof(options), ex);
        }

        // A reserved name under another id would be taken for guest or admin wherever names are compared.
        if (ReservedUsers.IsImpostor(user)
            || (user.Id != SessionUser.Guest.Id && string.Equals(user.Name, SessionUser.Guest.Name, StringComparison.Ordinal))
            || (user.Id != SessionUser.Admin.Id && string.Equals(user.Name, SessionUser.Admin.Name, StringComparison.Ordinal)))
        {
            throw ReservedUsers.Refusal(user, "Session");
        }
    }

    /// <summary>
    /// Closes a session (Tarantool's disconnect): it is marked closed at once (its <see cref="Session.Closed"/> token
    /// fires, new requests are refused, in-flight requests read sync 0), then every <c>on_disconnect</c> trigger runs.
    /// The session is destroyed when that is done and its last request scope has exited.
    /// </summary>
    /// <param name="session">The session.</param>
    /// <param name="cancellationToken">Passed to the triggers, linked to shutdown.</param>
    /// <returns>
    /// A task that completes when this call's close is done. Idempotent: a call on a session already closed returns at
    /// once. A session still connecting or authenticating is marked closed at once, and its <c>on_disconnect</c> runs
    /// when that step ends; the task waits for it, except when called from that session's own triggers or requests
    /// (which would wait for themselves), and <paramref name="cancellationToken"/> ends the wait, not the close.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="session"/> belongs to another manager.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    /// <remarks><c>on_disconnect</c> sees <see cref="SessionCloseReason.ClientDisconnected"/> as its <see cref="SessionTriggerContext.Reason"/>, unless a server-side close told the client its own reason first.</remarks>
    public ValueTask DisconnectAsync(Session session, CancellationToken cancellationToken)
    {
        SessionGuards.Validate(session, this);
        _lifetime.ThrowIfDisposed();
        return session.TryMarkClosed() ? _disconnector.DisconnectAsync(session, cancellationToken) : default;
    }

    /// <summary>
    /// Closes a session as <see cref="DisconnectAsync(Session, CancellationToken)"/> does, telling its <c>on_disconnect</c>
    /// triggers why (<see cref="SessionTriggerContext.Reason"/>) and what failed in the transport
    /// (<see cref="SessionTriggerContext.TransportException"/>), as SignalR's <c>OnDisconnectedAsync(Exception?)</c> does.
    /// </summary>
    /// <param name="session">The session.</param>
    /// <param name="reason">
    /// Why the connection ended, as the host saw it; <see langword="null"/> for <see cref="SessionCloseReason.ClientDisconnected"/>.
    /// A server-side close that already told the client its reason (a kick, a replacement, shutdown) keeps its own.
    /// </param>
    /// <param name="transportException">The transport's failure that ended the connection, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Passed to the triggers, linked to shutdown.</param>
    /// <returns>A task that completes when this call's close is done; see <see cref="DisconnectAsync(Session, CancellationToken)"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="session"/> belongs to another manager.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    /// <remarks>A call on a session already closed changes nothing: its <c>on_disconnect</c> saw the first close's reason.</remarks>
    public ValueTask DisconnectAsync(Session session, SessionCloseReason? reason = null, Exception? transportException = null, CancellationToken cancellationToken = default)
    {
        SessionGuards.Validate(session, this);
        _lifetime.ThrowIfDisposed();
        if (!session.TryMarkClosed())
        {
            return default;
        }

        // Stored only when given, so the plain hang-up above allocates nothing; a server-side close's reason, set
        // when it told the client, wins.
        if (reason is not null || transportException is not null)
        {
            var extras = session.Extras;
            extras.CloseReason ??= reason;
            extras.TransportException ??= transportException;
        }

        return _disconnector.DisconnectAsync(session, cancellationToken);
    }

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
    /// <exception cref="ArgumentException"><paramref name="userName"/> breaks the naming rule (empty, whitespace, longer than <see cref="SessionManagerOptions.MaxUserNameLength"/>, control characters, lone surrogates, <c>@</c> or <c>/</c>); <paramref name="password"/> is longer than <see cref="SessionManagerOptions.MaxPasswordBytes"/> in UTF-8; or <paramref name="session"/> belongs to another manager. A password that is not valid UTF-16 is a failed authentication, not this.</exception>
    /// <exception cref="AuthenticationFailedException">The user is unknown or the password is wrong or not valid UTF-16 (one message for all), or <paramref name="cancellationToken"/> was cancelled while the check waited for its turn or ran; the session user is unchanged and the session stays open.</exception>
    /// <exception cref="AccessDeniedException">The credentials are valid but the user may not connect (<c>on_access_denied</c> ran, <c>on_auth</c> did not); or the directory verified a user with a reserved id (0 or 1) under another name (nothing ran).</exception>
    /// <exception cref="SessionClosedException">The session is closed, or was closed during the authentication (while the directory checked the credentials or <c>on_auth</c> ran): the session user is unchanged, as its <c>on_disconnect</c> saw it, which runs after <c>on_auth</c> finished.</exception>
    /// <exception cref="SessionLimitExceededException">The user already holds <see cref="SessionManagerOptions.MaxSessionsPerUser"/> sessions under <see cref="SessionLimitPolicy.RejectNew"/>; the session user is unchanged.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    /// <exception cref="Exception">An <c>on_auth</c> trigger failed: its exception, after the session was closed and its <c>on_disconnect</c> triggers ran; the user is unchanged.</exception>
    public ValueTask<SessionUser> AuthenticateAsync(Session session, string userName, string password, CancellationToken cancellationToken = default)
    {
        SessionGuards.Validate(session, this);
        _limits.User(userName, nameof(userName));
        ArgumentNullException.ThrowIfNull(password);
        _lifetime.ThrowIfDisposed();
        SessionGuards.ThrowIfClosed(session);
        return _authenticator.AuthenticateAsync(session, userName, password, cancellationToken);
    }
}
