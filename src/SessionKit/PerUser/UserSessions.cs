using SessionKit.Internal;

namespace SessionKit;

/// <summary>
/// The per-user layer beyond <c>box.session</c> (Prosody's user sessions): a user's sessions, whether a user is online,
/// the storage a user's sessions share, resources (<c>user@host/resource</c>), routing to a user's sessions, and the
/// trigger lists of that layer. Reached as <see cref="SessionManager.Users"/>.
/// </summary>
/// <remarks>Thread-safe. Every member throws <see cref="ObjectDisposedException"/> once its manager was disposed.</remarks>
public sealed class UserSessions
{
    private readonly SessionManager _owner;
    private readonly UserMembership _membership;
    private readonly ResourceBinder _binder;
    private readonly MessageRouter _router;
    private readonly SessionLimits _limits;
    private readonly ManagerLifetime _lifetime;

    internal UserSessions(SessionManager owner, UserMembership membership, ResourceBinder binder, MessageRouter router, TriggerLists lists, SessionLimits limits, ManagerLifetime lifetime)
    {
        _owner = owner;
        _membership = membership;
        _binder = binder;
        _router = router;
        _limits = limits;
        _lifetime = lifetime;
        OnUserOnline = lists.UserOnline;
        OnUserOffline = lists.UserOffline;
        OnSessionEvicted = lists.SessionEvicted;
        OnPreResourceBind = lists.PreResourceBind;
        OnResourceBind = lists.ResourceBind;
        OnResourceUnbind = lists.ResourceUnbind;
    }

    /// <summary>Gets the <c>on_user_online</c> triggers: run when a user's first session joins the user index (connect as that user, authentication, <c>ChangeUser</c>). Errors are logged.</summary>
    public TriggerList<UserPresenceContext> OnUserOnline { get; }

    /// <summary>Gets the <c>on_user_offline</c> triggers: run when a user's last session leaves the user index (destroy, or a user change). Errors are logged.</summary>
    public TriggerList<UserPresenceContext> OnUserOffline { get; }

    /// <summary>Gets the <c>on_session_evicted</c> triggers: run for each session closed by <see cref="SessionLimitPolicy.EvictOldest"/>. Errors are logged.</summary>
    public TriggerList<SessionEvictedContext> OnSessionEvicted { get; }

    /// <summary>Gets the <c>on_pre_resource_bind</c> triggers (Prosody's <c>pre-resource-bind</c>): they may rewrite the resource or veto the bind. An error fails the bind.</summary>
    public TriggerList<PreResourceBindContext> OnPreResourceBind { get; }

    /// <summary>Gets the <c>on_resource_bind</c> triggers: run after a bind. An error rolls the bind back and fails it with <c>cancel / internal-server-error</c>.</summary>
    public TriggerList<ResourceBindContext> OnResourceBind { get; }

    /// <summary>Gets the <c>on_resource_unbind</c> triggers: run when a bound session closes (after the indexes were cleared) or changes user. Errors are logged.</summary>
    public TriggerList<ResourceBindContext> OnResourceUnbind { get; }

    /// <summary>Gets a snapshot of a user's sessions, oldest first, in O(k) for k sessions of that user.</summary>
    /// <param name="user">The user name.</param>
    /// <param name="host">The host the sessions connected to; <see langword="null"/> for sessions without a host.</param>
    /// <returns>The user's registered sessions. Guest (unauthenticated) sessions are not indexed: <c>SessionsOf("guest")</c> is empty.</returns>
    /// <exception cref="ArgumentException"><paramref name="user"/> or <paramref name="host"/> is not a valid name.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public IReadOnlyList<Session> SessionsOf(string user, string? host = null)
    {
        ValidateUser(user, host);
        return _membership.Index.SessionsOf(user, host);
    }

    /// <summary>Tells whether a user has at least one registered session ("online").</summary>
    /// <param name="user">The user name.</param>
    /// <param name="host">The host; <see langword="null"/> for sessions without a host.</param>
    /// <returns><see langword="true"/> when the user has a session.</returns>
    /// <exception cref="ArgumentException"><paramref name="user"/> or <paramref name="host"/> is not a valid name.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public bool IsOnline(string user, string? host = null)
    {
        ValidateUser(user, host);
        return _membership.Index.CountOf(user, host) > 0;
    }

    /// <summary>
    /// Gets the storage shared by all of a user's sessions (Prosody's user entry): created with the user's first
    /// session, dropped with the last.
    /// </summary>
    /// <param name="user">The user name.</param>
    /// <param name="host">The host; <see langword="null"/> for sessions without a host.</param>
    /// <returns>The shared storage, or <see langword="null"/> when the user has no session.</returns>
    /// <exception cref="ArgumentException"><paramref name="user"/> or <paramref name="host"/> is not a valid name.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public SessionStorage? StorageOf(string user, string? host = null)
    {
        ValidateUser(user, host);
        return _membership.Index.SharedStorageOf(user, host);
    }

    /// <summary>
    /// Gives an authenticated session a resource, a name unique among its user's sessions (its full address is
    /// <c>user@host/resource</c>). A taken resource is resolved by <see cref="SessionManagerOptions.ResourceConflictPolicy"/>.
    /// </summary>
    /// <param name="session">The session.</param>
    /// <param name="resource">The resource asked for; <see langword="null"/> or empty for a random unique one.</param>
    /// <param name="cancellationToken">Passed to the triggers.</param>
    /// <returns>The resource bound (it differs from the one asked for after a rewrite, <see cref="ResourceConflictPolicy.Increment"/> or <see cref="ResourceConflictPolicy.Random"/>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="resource"/> is whitespace, longer than <see cref="SessionManagerOptions.MaxResourceLength"/> (256 by default), or has control characters or lone surrogates; or <paramref name="session"/> belongs to another manager.</exception>
    /// <exception cref="ResourceBindException">Not authenticated (<c>auth / not-authorized</c>), already bound (<c>cancel / not-allowed</c>), vetoed, taken under <see cref="ResourceConflictPolicy.RejectNew"/> (<c>cancel / conflict</c>), held by a session whose own close is running this call under <see cref="ResourceConflictPolicy.KickOld"/> (<c>cancel / conflict</c>: that close waits for this call, so the resource cannot be freed first), or an <c>on_resource_bind</c> trigger failed (<c>cancel / internal-server-error</c>).</exception>
    /// <exception cref="SessionClosedException">The session is closed (perhaps replaced by a concurrent bind).</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public ValueTask<string> BindResourceAsync(Session session, string? resource = null, CancellationToken cancellationToken = default)
    {
        SessionGuards.Validate(session, _owner);
        if (!string.IsNullOrEmpty(resource))
        {
            _limits.Resource(resource, nameof(resource));
        }

        _lifetime.ThrowIfDisposed();
        SessionGuards.ThrowIfClosed(session);
        return _binder.BindAsync(session, resource, cancellationToken);
    }

    /// <summary>Finds the session bound to a user's resource.</summary>
    /// <param name="user">The user name.</param>
    /// <param name="resource">The resource.</param>
    /// <param name="host">The host; <see langword="null"/> for sessions without a host.</param>
    /// <returns>The session, or <see langword="null"/> when the resource is free.</returns>
    /// <exception cref="ArgumentException">A name is invalid.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public Session? FindResource(string user, string resource, string? host = null)
    {
        _limits.User(user, nameof(user));
        _limits.Resource(resource, nameof(resource));
        _limits.OptionalHost(host, nameof(host));
        _lifetime.ThrowIfDisposed();
        foreach (var pair in _membership.Index.ResourcesOf(user, host))
        {
            if (pair.Key == resource)
            {
                return pair.Value;
            }
        }

        return null;
    }

    /// <summary>Gets a snapshot of a user's bound resources (each listed once) with their sessions, oldest session first.</summary>
    /// <param name="user">The user name.</param>
    /// <param name="host">The host; <see langword="null"/> for sessions without a host.</param>
    /// <returns>Resource → session.</returns>
    /// <exception cref="ArgumentException">A name is invalid.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public IReadOnlyList<KeyValuePair<string, Session>> ResourcesOf(string user, string? host = null)
    {
        ValidateUser(user, host);
        return _membership.Index.ResourcesOf(user, host);
    }

    /// <summary>
    /// Sends to the user's available sessions with the highest non-negative priority (Prosody's <c>top_resources</c>,
    /// where a bare-address chat message goes).
    /// </summary>
    /// <param name="user">The user name.</param>
    /// <param name="message">The message.</param>
    /// <param name="host">The host; <see langword="null"/> for sessions without a host.</param>
    /// <param name="cancellationToken">Cancels the sends.</param>
    /// <returns>How many sessions took the message within <see cref="SessionManagerOptions.SendTimeout"/>; 0 for an offline user or one without available sessions.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="user"/> or <paramref name="host"/> is not a valid name.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public ValueTask<int> SendToAvailableAsync(string user, object message, string? host = null, CancellationToken cancellationToken = default) =>
        _router.SendToAvailableAsync(Targets(user, message, host), message, cancellationToken);

    /// <summary>Sends to the user's interested sessions (those that asked for the roster: roster pushes go here).</summary>
    /// <param name="user">The user name.</param>
    /// <param name="message">The message.</param>
    /// <param name="host">The host; <see langword="null"/> for sessions without a host.</param>
    /// <param name="cancellationToken">Cancels the sends.</param>
    /// <returns>How many sessions took the message within <see cref="SessionManagerOptions.SendTimeout"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="user"/> or <paramref name="host"/> is not a valid name.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public ValueTask<int> SendToInterestedAsync(string user, object message, string? host = null, CancellationToken cancellationToken = default) =>
        _router.SendToInterestedAsync(Targets(user, message, host), message, cancellationToken);

    /// <summary>
    /// Sends to every open session of the user. The sends start together and run concurrently; each is bounded by
    /// <see cref="SessionManagerOptions.SendTimeout"/>, and a session that does not take the message in time counts as
    /// not delivered and is handled by <see cref="SessionManagerOptions.SlowConsumerPolicy"/> (closed by default). The
    /// other routing helpers send the same way. A failing send is logged and counts as not delivered.
    /// </summary>
    /// <param name="user">The user name.</param>
    /// <param name="message">The message.</param>
    /// <param name="host">The host; <see langword="null"/> for sessions without a host.</param>
    /// <param name="cancellationToken">Cancels the sends.</param>
    /// <returns>How many sessions took the message within <see cref="SessionManagerOptions.SendTimeout"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="user"/> or <paramref name="host"/> is not a valid name.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public ValueTask<int> SendToAllAsync(string user, object message, string? host = null, CancellationToken cancellationToken = default) =>
        _router.SendToAllAsync(Targets(user, message, host), message, cancellationToken);

    /// <summary>
    /// Sends to each of the given open sessions of this manager, whoever their users: a broadcast to a room or to
    /// everyone connected. The sends run as for <see cref="SendToAllAsync"/>: concurrently, each bounded by
    /// <see cref="SessionManagerOptions.SendTimeout"/>, a slow session handled by <see cref="SessionManagerOptions.SlowConsumerPolicy"/>.
    /// </summary>
    /// <param name="sessions">The sessions; closed ones are skipped.</param>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the sends and the wait for them.</param>
    /// <returns>How many sessions took the message within the send timeout.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="sessions"/>, one of them, or <paramref name="message"/> is null.</exception>
    /// <exception cref="ArgumentException">A session belongs to another manager.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public ValueTask<int> SendToSessionsAsync(IEnumerable<Session> sessions, object message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(message);
        var targets = sessions.ToArray();
        foreach (var session in targets)
        {
            // Named after the list the caller passed: "session" would name a parameter this method does not have.
            SessionGuards.Validate(session, _owner, nameof(sessions));
        }

        _lifetime.ThrowIfDisposed();
        return _router.SendToAllAsync(targets, message, cancellationToken);
    }

    /// <summary>Validates a user name and an optional host, then the manager's state.</summary>
    private void ValidateUser(string user, string? host)
    {
        _limits.User(user, nameof(user));
        _limits.OptionalHost(host, nameof(host));
        _lifetime.ThrowIfDisposed();
    }

    private Session[] Targets(string user, object message, string? host)
    {
        _limits.User(user, nameof(user));
        ArgumentNullException.ThrowIfNull(message);
        _limits.OptionalHost(host, nameof(host));
        _lifetime.ThrowIfDisposed();
        return _membership.Index.SessionsOf(user, host);
    }
}
