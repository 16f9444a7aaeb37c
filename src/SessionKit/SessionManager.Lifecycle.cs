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
    /// <exception cref="SessionLimitExceededException"><see cref="ConnectOptions.User"/> already holds <see cref="SessionOptions.MaxSessionsPerUser"/> sessions under <see cref="SessionLimitPolicy.RejectNew"/>; the session was closed (its <c>on_disconnect</c> ran).</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed or is shutting down.</exception>
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
    /// <returns>A task that completes when this call's close is done. Idempotent: a call on a session already closed returns at once.</returns>
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
            session = RegisterNew(type, peer, host, connection);
            activity?.SetTag("sessionkit.session.id", session.Id);
        }

        // Shutdown began meanwhile: close the session and refuse. No trigger runs (there were none when this connect
        // looked), so nothing runs in the caller's flow here.
        return Volatile.Read(ref _disposeState) == 0
            ? new ValueTask<Session>(session)
            : FinishConnectTriggersAsync(default, session);
    }

    private Session RegisterNew(SessionType type, string? peer, string? host, ISessionConnection? connection)
    {
        var session = Register(type, peer, host, connection);
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
        var session = CreateSession(type, peer, host, connection);

        // Indexed (with the per-user limit checked) before it is registered, so a refused session is never seen
        // by anyone and runs no trigger. Until Publish marks it registered, the index hides it from SessionsOf,
        // CloseUserSessionsAsync, kicks and evictions, so the index never lists a session that Exists denies.
        var change = ChangeSessionUser(session, user);
        Publish(session);
        activity?.SetTag("sessionkit.session.id", session.Id);
        if (_accountWatcher is not null && !_accountWatcher.EnsureStands(session, user))
        {
            // Removed or disabled between the look-up and the registration: the session is being closed.
            await session.CloseAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
            throw new UserNotFoundException(user.Name);
        }

        await PublishAsync(change, cancellationToken).ConfigureAwait(false);
        return OnConnect.Count == 0 && Volatile.Read(ref _disposeState) == 0
            ? session
            : await RunConnectTriggersAsync(session, cancellationToken).ConfigureAwait(false);
    }

    private Session Register(SessionType type, string? peer, string? host, ISessionConnection? connection)
    {
        var session = CreateSession(type, peer, host, connection);
        Publish(session);
        return session;
    }

    private Session CreateSession(SessionType type, string? peer, string? host, ISessionConnection? connection)
    {
        var id = (ulong)Interlocked.Increment(ref _lastId.Value);
        return new Session(this, id, type, peer, _guest, _connectClock.GetUtcNow(), host) { Connection = connection };
    }

    private void Publish(Session session)
    {
        _sessions.TryAdd(session.Id, session);
        Interlocked.Increment(ref _count.Value);
        session.MarkRegistered();
        _metrics.Opened(session.Type);
        _logger.SessionConnected(session.Id, session.Type.Name, session.Peer, session.User.Name);
    }

    private async ValueTask DisconnectCoreAsync(Session session, CancellationToken cancellationToken)
    {
        // The caller won TryMarkClosed, so this runs exactly once per session. An async method that completes
        // synchronously allocates nothing, so a disconnect whose triggers are synchronous stays allocation-free.
        // Counted first, before SignalClosed runs the host's Closed callbacks: shutdown passes over sessions already
        // closed and relies on this count to wait for their close.
        Interlocked.Increment(ref _closing.Value);
        session.SignalClosed();
        _metrics.Closed(session.Type);
        _logger.SessionDisconnected(session.Id);
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
            var user = session.User;
            Detach(RunForSessionAsync(OnUserOffline, session, TriggerListNames.UserOffline, true, CancellationToken.None, (s, t) => new UserPresenceContext(user.Name, s!.Host, s, t)));
        }

        session.ReleaseResources();
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
