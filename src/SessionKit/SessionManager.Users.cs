using SessionKit.Internal;

namespace SessionKit;

public sealed partial class SessionManager
{
    /// <summary>Gets the <c>on_user_online</c> triggers: run when a user's first session joins the user index (connect as that user, authentication, <c>ChangeUser</c>). Errors are logged.</summary>
    public TriggerList<UserPresenceContext> OnUserOnline { get; } = new();

    /// <summary>Gets the <c>on_user_offline</c> triggers: run when a user's last session leaves the user index (destroy, or a user change). Errors are logged.</summary>
    public TriggerList<UserPresenceContext> OnUserOffline { get; } = new();

    /// <summary>Gets the <c>on_session_evicted</c> triggers: run for each session closed by <see cref="SessionLimitPolicy.EvictOldest"/>. Errors are logged.</summary>
    public TriggerList<SessionEvictedContext> OnSessionEvicted { get; } = new();

    /// <summary>
    /// Moves a session to another user: checks the per-user limit, re-keys the user index and releases a resource bound
    /// under the old user, all under the session's lock. Returns what the caller must publish outside the lock.
    /// </summary>
    /// <exception cref="SessionLimitExceededException">The user is at its limit under <see cref="SessionLimitPolicy.RejectNew"/>; nothing changed.</exception>
    /// <exception cref="SessionClosedException">The session is closed; nothing changed (a tombstone keeps the user its on_disconnect saw).</exception>
    private UserChange ChangeSessionUser(Session session, SessionUser user)
    {
        // The switch is a lifecycle step of its own: a close that comes while it runs hands its on_disconnect to the
        // step's end, so on_disconnect never reads the user half-way, and a closed session's user never changes.
        if (!session.TryEnterPhase())
        {
            throw new SessionClosedException(session.Id, $"Session {session.Id} is closed; its user can no longer change.");
        }

        try
        {
            return ChangeSessionUserInPhase(session, user);
        }
        finally
        {
            // Nested in a connect or an authentication, their own end runs a handed-over on_disconnect; a bare
            // ChangeUser is synchronous, so the run goes on by itself (it never throws).
            Detach(ExitPhaseAsync(session));
        }
    }

    private UserChange ChangeSessionUserInPhase(Session session, SessionUser user)
    {
        UserChange change;
        lock (session.Holder)
        {
            var previous = session.Holder.User;
            change = new UserChange(session, previous, user);
            if (previous.Id == user.Id && previous.Name == user.Name)
            {
                return change with { Unchanged = true };
            }

            if (user.Id != _guest.Id)
            {
                var limit = LimitFor(user);
                var added = _index.Add(session, user, limit, rejectOverLimit: _limitPolicy == SessionLimitPolicy.RejectNew);
                if (!added.Added)
                {
                    throw new SessionLimitExceededException(user.Name, limit);
                }

                change = change with { Online = added.First, Evict = added.OverLimit };
            }

            if (previous.Id != _guest.Id)
            {
                var resource = _index.Unbind(session, previous);
                var offline = _index.Remove(session, previous);
                change = change with { UnboundResource = resource, Offline = offline };
            }

            if (change.UnboundResource is not null)
            {
                // The binding belonged to the old user's address; the session may bind again as the new user.
                session.ResetBind();
            }

            session.Holder.User = user;
        }

        if (user.Id != _guest.Id)
        {
            session.ExtrasOrNull?.AuthenticationTimer?.Dispose();
        }

        _logger.UserChanged(session.Id, change.Previous.Name, user.Name);
        return change;
    }

    /// <summary>Publishes a user change: unbind, offline, online and evictions, in that order, outside every lock.</summary>
    private ValueTask PublishAsync(UserChange change, CancellationToken cancellationToken) =>
        change.Unchanged || (change.UnboundResource is null && !change.Offline && !change.Online && change.Evict is not { Length: > 0 })
            ? default
            : PublishCoreAsync(change, cancellationToken);

    /// <summary>The async part of <see cref="PublishAsync"/>: its lambdas capture <paramref name="change"/>, so it is entered only when there is something to publish.</summary>
    private async ValueTask PublishCoreAsync(UserChange change, CancellationToken cancellationToken)
    {
        var session = change.Session;
        if (change.UnboundResource is { } resource)
        {
            await RunHoldingSessionAsync(OnResourceUnbind, session, TriggerListNames.ResourceUnbind, true, cancellationToken, (s, t) => new ResourceBindContext(s!, resource, null, t)).ConfigureAwait(false);
        }

        if (change.Offline)
        {
            await RunHoldingSessionAsync(OnUserOffline, session, TriggerListNames.UserOffline, true, cancellationToken, (s, t) => new UserPresenceContext(change.Previous.Name, s!.Host, s, t)).ConfigureAwait(false);
        }

        if (change.Online)
        {
            await RunHoldingSessionAsync(OnUserOnline, session, TriggerListNames.UserOnline, true, cancellationToken, (s, t) => new UserPresenceContext(change.Current.Name, s!.Host, s, t)).ConfigureAwait(false);
        }

        if (change.Evict is { Length: > 0 } evict)
        {
            await EvictAsync(session, evict, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Evicts what exceeds <paramref name="user"/>'s limit now that <paramref name="newcomer"/> survived its connect; recomputed, since sessions may have left meanwhile.</summary>
    private ValueTask EvictForAsync(Session newcomer, SessionUser user, CancellationToken cancellationToken)
    {
        var evict = _index.OverLimit(newcomer, user, LimitFor(user));
        return evict.Length == 0 ? default : EvictAsync(newcomer, evict, cancellationToken);
    }

    private async ValueTask EvictAsync(Session newcomer, Session[] evict, CancellationToken cancellationToken)
    {
        foreach (var evicted in evict)
        {
            _logger.SessionEvicted(evicted.Id, newcomer.Id);
            try
            {
                await CloseSessionAsync(evicted, SessionCloseReason.SessionLimitReached, TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                // The manager shut down meanwhile; shutdown closes the session.
            }

            // The evicted session is closed and usually destroyed by now: the run holds it current on its own.
            await RunForTombstoneAsync(OnSessionEvicted, evicted, evicted.User, TriggerListNames.SessionEvicted, cancellationToken, (s, t) => new SessionEvictedContext(s!, newcomer, t)).ConfigureAwait(false);
        }
    }

    private int LimitFor(SessionUser user) => _maxSessionsPerUser is { } limit ? Math.Max(1, limit(user)) : int.MaxValue;

    /// <summary>What a user change did, to be published once the session's lock is released.</summary>
    private readonly record struct UserChange(Session Session, SessionUser Previous, SessionUser Current)
    {
        public bool Unchanged { get; init; }

        public bool Online { get; init; }

        public bool Offline { get; init; }

        public string? UnboundResource { get; init; }

        public Session[]? Evict { get; init; }
    }
}
