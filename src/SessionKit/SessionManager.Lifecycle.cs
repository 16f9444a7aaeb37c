using System.Net;
using SessionKit.Internal;

namespace SessionKit;

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
    /// <exception cref="ArgumentException">The text of <paramref name="peer"/> is longer than <see cref="SessionOptions.MaxPeerLength"/> or has control characters or lone surrogates.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed or is shutting down.</exception>
    /// <exception cref="SessionClosedException">The session was closed (a kick, a close, an eviction) while its <c>on_connect</c> triggers ran; its <c>on_disconnect</c> triggers run after <c>on_connect</c> finished, exactly once.</exception>
    /// <exception cref="Exception">An <c>on_connect</c> trigger failed: its exception, after the session was closed and its <c>on_disconnect</c> triggers ran.</exception>
    public ValueTask<Session> ConnectAsync(SessionType type, EndPoint? peer = null, CancellationToken cancellationToken = default) =>
        ConnectCoreAsync(type, PeerFormatter.Format(peer, _limits.MaxPeerLength, nameof(peer), "The peer"), null, null, null, cancellationToken);

    /// <summary>Creates and registers a session from <paramref name="options"/>; see <see cref="ConnectAsync(SessionType, EndPoint?, CancellationToken)"/>.</summary>
    /// <param name="options">The type, peer, pre-authenticated user and host.</param>
    /// <param name="cancellationToken">Cancels before registration; triggers receive it, linked to shutdown.</param>
    /// <returns>The new session.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException"><see cref="ConnectOptions.User"/> or <see cref="ConnectOptions.Host"/> is not a valid name (or is longer than its bound in <see cref="SessionOptions"/>), or the text of <see cref="ConnectOptions.Peer"/> is longer than <see cref="SessionOptions.MaxPeerLength"/> or has control characters or lone surrogates.</exception>
    /// <exception cref="UserNotFoundException"><see cref="ConnectOptions.User"/> names no user.</exception>
    /// <exception cref="AccessDeniedException"><see cref="ConnectOptions.User"/> may not connect (<c>on_access_denied</c> ran).</exception>
    /// <exception cref="SessionLimitExceededException"><see cref="ConnectOptions.User"/> already holds <see cref="SessionOptions.MaxSessionsPerUser"/> sessions under <see cref="SessionLimitPolicy.RejectNew"/>; no session was registered, so no trigger ran (no <c>on_connect</c>, no <c>on_disconnect</c>).</exception>
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

        if (options.Host is not null)
        {
            ValidateOption(_limits, options.Host, "ConnectOptions.Host", user: false);
        }

        return ConnectCoreAsync(options.Type, PeerFormatter.Format(options.Peer, _limits.MaxPeerLength, nameof(options), "ConnectOptions.Peer"), options.User, options.Host, options.Connection, cancellationToken);

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
    public ValueTask DisconnectAsync(Session session, CancellationToken cancellationToken = default)
    {
        ValidateSession(session);
        ThrowIfDisposed();
        return session.TryMarkClosed() ? DisconnectCoreAsync(session, cancellationToken) : default;
    }

    private ValueTask<Session> ConnectCoreAsync(SessionType type, string? peer, string? userName, string? host, ISessionConnection? connection, CancellationToken cancellationToken)
    {
        ThrowIfShuttingDown();
        if (userName is not null)
        {
            if (!_users.TryFindUser(userName, out var user))
            {
                throw new UserNotFoundException(userName);
            }

            return ConnectAsUserAsync(type, peer, user, host, connection, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (OnConnect.Count != 0)
        {
            return ConnectWithTriggersAsync(type, peer, host, connection, cancellationToken);
        }

        // The common path is synchronous, so the span starts and ends here and never leaks into the caller's flow.
        Session session;
        using (var activity = SessionActivities.Start(SessionActivities.Connect, null))
        {
            session = RegisterNew(type, peer, host, connection, connecting: false);
            activity?.SetTag("sessionkit.session.id", session.Id);
        }

        // Shutdown began meanwhile: close the session and refuse. No trigger runs (there were none when this connect
        // looked), so nothing runs in the caller's flow here.
        return Volatile.Read(ref _disposeState) == 0
            ? new ValueTask<Session>(session)
            : FinishConnectTriggersAsync(default, session, inPhase: false);
    }

    /// <summary>Creates and publishes a session; with <paramref name="connecting"/> its connect step is running until the caller ends it (<see cref="Session.ExitPhase"/>).</summary>
    private Session RegisterNew(SessionType type, string? peer, string? host, ISessionConnection? connection, bool connecting)
    {
        var session = CreateSession(type, peer, host, connection, connecting);
        Publish(session);
        if (_authenticationTimeout is { } timeout)
        {
            StartAuthenticationTimer(session, timeout);
        }

        return session;
    }

    /// <summary>Tarantool 3's <c>box.session.new{user=}</c>: the session starts as <paramref name="user"/> without <c>on_auth</c>.</summary>
    private async ValueTask<Session> ConnectAsUserAsync(SessionType type, string? peer, SessionUser user, string? host, ISessionConnection? connection, CancellationToken cancellationToken)
    {
        if (!_users.MayConnect(user))
        {
            await FireAccessDeniedAsync(Current, "Session", "universe", string.Empty, user.Name, cancellationToken).ConfigureAwait(false);
            throw SessionAccessDenied(user);
        }

        cancellationToken.ThrowIfCancellationRequested();
        using var activity = SessionActivities.Start(SessionActivities.Connect, null);
        var session = CreateSession(type, peer, host, connection, connecting: true);

        // Indexed (with the per-user limit checked) before it is registered, so a refused session is never seen
        // by anyone and runs no trigger. Until Publish marks it registered, the index hides it from SessionsOf,
        // CloseUserSessionsAsync, kicks and evictions, so the index never lists a session that Exists denies.
        var change = ChangeSessionUser(session, user);
        Publish(session);
        activity?.SetTag("sessionkit.session.id", session.Id);
        // Removed or disabled between the look-up and the registration: EnsureStands starts the close, which this
        // connect step then reports as any close during a connect (SessionClosedException, on_disconnect last).
        _ = _accountWatcher?.EnsureStands(session, user);

        // The connect step covers on_user_online and on_connect: a close meanwhile hands its on_disconnect to the
        // step's end. Evictions wait until on_connect accepted the newcomer, so a refused one evicts nothing.
        await FinishConnectTriggersAsync(PublishThenConnect(change with { Evict = null }, cancellationToken), session, inPhase: true).ConfigureAwait(false);
        if (change.Evict is { Length: > 0 })
        {
            await EvictForAsync(session, user, cancellationToken).ConfigureAwait(false);
        }

        return session;
    }

    /// <summary>Publishes the pre-authenticated user's arrival, then starts <c>on_connect</c>; either failing faults the returned task.</summary>
    private ValueTask PublishThenConnect(UserChange change, CancellationToken cancellationToken)
    {
        ValueTask published;
        try
        {
            published = PublishAsync(change, cancellationToken);
        }
        catch (Exception ex)
        {
            return ValueTask.FromException(ex);
        }

        if (published.IsCompletedSuccessfully)
        {
            published.GetAwaiter().GetResult();
            return OnConnect.Count == 0 ? default : StartConnectTriggers(change.Session, cancellationToken);
        }

        return ThenConnectAsync(published, change.Session, cancellationToken);

        async ValueTask ThenConnectAsync(ValueTask published, Session session, CancellationToken cancellationToken)
        {
            await published.ConfigureAwait(false);
            await StartConnectTriggers(session, cancellationToken).ConfigureAwait(false);
        }
    }

    private Session CreateSession(SessionType type, string? peer, string? host, ISessionConnection? connection, bool connecting)
    {
        var id = (ulong)Interlocked.Increment(ref _lastId.Value);
        var session = new Session(this, id, type, peer, _guest, _connectClock.GetUtcNow(), host) { Connection = connection };
        if (connecting)
        {
            session.MarkConnecting();
        }

        return session;
    }

    private void Publish(Session session)
    {
        _sessions.TryAdd(session.Id, session);
        Interlocked.Increment(ref _count.Value);
        session.MarkRegistered();
        _metrics.Opened(session.Type);
        _logger.SessionConnected(session.Id, session.Type.Name, session.Peer, session.User.Name);
    }

    /// <summary>Closes the session with connection-timeout if it is still unauthenticated when the timer fires.</summary>
    private void StartAuthenticationTimer(Session session, TimeSpan timeout)
    {
        // The timer holds the session only through a weak reference, so a forgotten session stays collectable;
        // it is disposed on authentication and at destroy. Started with the flow suppressed so that it does not
        // capture the connecting caller's ambient context.
        var target = new WeakReference<Session>(session);
        using (ExecutionContext.SuppressFlow())
        {
            session.Extras.AuthenticationTimer = _time.CreateTimer(
                static state =>
                {
                    var (manager, weak) = ((SessionManager, WeakReference<Session>))state!;
                    if (weak.TryGetTarget(out var s) && !s.IsClosed && s.User.Id == manager._guest.Id)
                    {
                        Detach(manager.CloseOnTimeoutAsync(s));
                    }
                },
                (this, target),
                timeout,
                Timeout.InfiniteTimeSpan);
        }
    }

    private async ValueTask CloseOnTimeoutAsync(Session session)
    {
        try
        {
            await CloseSessionAsync(session, SessionCloseReason.ConnectionTimeout, TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // Shutdown closes it.
        }
    }

    /// <summary>Moves an open session between the active-sessions gauge's type tags.</summary>
    internal void OnSessionTypeChanged(SessionType previous, SessionType current) => _metrics.TypeChanged(previous, current);

    private void ThrowIfShuttingDown()
    {
        if (Volatile.Read(ref _disposeState) != 0)
        {
            throw new ObjectDisposedException(nameof(SessionManager), "The session manager is shutting down or disposed; it accepts no new sessions.");
        }
    }
}
