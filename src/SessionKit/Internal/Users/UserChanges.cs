using Microsoft.Extensions.Logging;

namespace SessionKit.Internal;

/// <summary>
/// A session taking another user, as a lifecycle step of its own, and the events that follow outside every lock:
/// <c>on_resource_unbind</c>, <c>on_user_offline</c>, <c>on_user_online</c>, then the evictions of
/// <see cref="SessionLimitPolicy.EvictOldest"/> with <c>on_session_evicted</c>.
/// </summary>
internal sealed class UserChanges(UserMembership membership, SessionDisconnector disconnector, SessionCloser closer, HoldingRuns runs, TriggerDispatcher dispatcher, TriggerLists lists, ILogger logger)
{
    /// <summary>
    /// Moves a session to another user (see <see cref="UserMembership.Change"/>) inside a lifecycle step: a close that
    /// comes meanwhile hands its on_disconnect to the step's end, so on_disconnect never reads the user half-way, and a
    /// closed session's user never changes. Returns what the caller must publish.
    /// </summary>
    /// <exception cref="SessionLimitExceededException">The user is at its limit under <see cref="SessionLimitPolicy.RejectNew"/>; nothing changed.</exception>
    /// <exception cref="SessionClosedException">The session is closed; nothing changed (a tombstone keeps the user its on_disconnect saw).</exception>
    public UserChange Change(Session session, SessionUser user)
    {
        if (!session.TryEnterPhase())
        {
            throw new SessionClosedException(session.Id, $"Session {session.Id} is closed; its user can no longer change.");
        }

        try
        {
            return membership.Change(session, user);
        }
        finally
        {
            // Nested in a connect or an authentication, their own end runs a handed-over on_disconnect; a bare
            // ChangeUser is synchronous, so the run goes on by itself (it never throws).
            Detached.Run(disconnector.ExitPhaseAsync(session));
        }
    }

    /// <summary>Asks the cluster-wide directory, if any, whether the session may take the user (see <see cref="UserMembership.AdmitAsync"/>).</summary>
    public ValueTask<SessionAdmission> AdmitAsync(Session session, SessionUser user, CancellationToken cancellationToken) =>
        membership.AdmitAsync(session, user, cancellationToken);

    /// <summary>
    /// As <see cref="Change"/>, for a session the cluster-wide directory decided about (<see cref="UserMembership.AdmitAsync"/>):
    /// a refusal throws, and when the local change fails (the session closed meanwhile) the admission is withdrawn, so
    /// the directory never keeps a session no index holds. The directory's local evictions become the change's.
    /// </summary>
    /// <exception cref="SessionLimitExceededException">The directory refused; nothing changed.</exception>
    public UserChange ChangeAdmitted(Session session, SessionUser user, SessionAdmission admission)
    {
        if (!admission.Admitted)
        {
            throw new SessionLimitExceededException(user.Name, membership.LimitFor(user));
        }

        if (membership.Directory is not { } cluster || membership.IsGuest(user))
        {
            return Change(session, user);
        }

        UserChange change;
        try
        {
            change = Change(session, user);
        }
        catch
        {
            cluster.Leave(session, user);

            // The directory removed the evicted sessions already: they go even though the newcomer did not make it.
            if (admission.LocalEvictions is { Count: > 0 } lost)
            {
                Detached.Run(EvictAsync(session, [.. lost], CancellationToken.None));
            }

            throw;
        }

        return admission.LocalEvictions is { Count: > 0 } evictions ? change with { Evict = [.. evictions] } : change;
    }

    /// <summary>
    /// As <see cref="Change"/> for the synchronous <c>ChangeUser</c>, which cannot wait for a cluster-wide decision: the
    /// directory is asked right after, with the user's limit and policy (<see cref="AdmitAfterChangeAsync"/>).
    /// </summary>
    public UserChange ChangeUnadmitted(Session session, SessionUser user)
    {
        var change = Change(session, user);
        if (membership.Directory is not null && !change.Unchanged && !membership.IsGuest(user))
        {
            Detached.Run(AdmitAfterChangeAsync(session, user));
        }

        return change;
    }

    /// <summary>
    /// The cluster-wide decision for a session that took <paramref name="user"/> through <c>ChangeUser</c>. The directory
    /// never holds more than the limit: a refusal (<see cref="SessionLimitPolicy.RejectNew"/>, the user at its limit on
    /// every node) closes this session with <see cref="SessionCloseReason.SessionLimitReached"/>, as a resync does for a
    /// session that lost its place; under <see cref="SessionLimitPolicy.EvictOldest"/> the oldest sessions go instead,
    /// as for a connect. One round trip after <c>ChangeUser</c> returned, not before: that is the documented difference
    /// from one process, where <c>ChangeUser</c> itself throws.
    /// </summary>
    private async ValueTask AdmitAfterChangeAsync(Session session, SessionUser user)
    {
        SessionAdmission admission;
        try
        {
            admission = await membership.AdmitAsync(session, user, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Unreachable directory: its rejoin re-registers the session (within its limit) when it is back.
            return;
        }

        if (!admission.Admitted)
        {
            // Only if the session still runs as that user: a later change already left it, and a close is not ours to do.
            if (!session.IsClosed && session.User.Id == user.Id && string.Equals(session.User.Name, user.Name, StringComparison.Ordinal))
            {
                try
                {
                    await closer.CloseAsync(session, SessionCloseReason.SessionLimitReached, TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
                }
                catch (ObjectDisposedException)
                {
                    // The manager shut down meanwhile; shutdown closes the session.
                }
            }

            return;
        }

        if (admission.LocalEvictions is { Count: > 0 } evictions)
        {
            await EvictAsync(session, [.. evictions], CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Publishes a user change: unbind, offline, online and evictions, in that order, outside every lock.</summary>
    public ValueTask PublishAsync(UserChange change, CancellationToken cancellationToken) =>
        change.HasEvents ? PublishCoreAsync(change, cancellationToken) : default;

    /// <summary>Evicts what exceeds <paramref name="user"/>'s limit now that <paramref name="newcomer"/> survived its connect; recomputed, since sessions may have left meanwhile.</summary>
    public ValueTask EvictForAsync(Session newcomer, SessionUser user, Session[] decided, CancellationToken cancellationToken)
    {
        // A cluster-wide directory decided the evictions itself, counting every node: the local index cannot recount.
        var evict = membership.Directory is null ? membership.Index.OverLimit(newcomer, user, membership.LimitFor(user)) : decided;
        return evict.Length == 0 ? default : EvictAsync(newcomer, evict, cancellationToken);
    }

    /// <summary>The async part of <see cref="PublishAsync"/>: its lambdas capture <paramref name="change"/>, so it is entered only when there is something to publish.</summary>
    private async ValueTask PublishCoreAsync(UserChange change, CancellationToken cancellationToken)
    {
        var session = change.Session;
        if (change.UnboundResource is { } resource)
        {
            await runs.RunAsync(lists.ResourceUnbind, session, TriggerListNames.ResourceUnbind, true, cancellationToken, (s, t) => new ResourceBindContext(s!, resource, null, t)).ConfigureAwait(false);
        }

        if (change.Offline)
        {
            await runs.RunAsync(lists.UserOffline, session, TriggerListNames.UserOffline, true, cancellationToken, (s, t) => new UserPresenceContext(change.Previous.Name, s!.Host, s, t)).ConfigureAwait(false);
        }

        if (change.Online)
        {
            await runs.RunAsync(lists.UserOnline, session, TriggerListNames.UserOnline, true, cancellationToken, (s, t) => new UserPresenceContext(change.Current.Name, s!.Host, s, t)).ConfigureAwait(false);
        }

        if (change.Evict is { Length: > 0 } evict)
        {
            await EvictAsync(session, evict, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask EvictAsync(Session newcomer, Session[] evict, CancellationToken cancellationToken)
    {
        foreach (var evicted in evict)
        {
            logger.SessionEvicted(evicted.Id, newcomer.Id);
            try
            {
                await closer.CloseAsync(evicted, SessionCloseReason.SessionLimitReached, TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                // The manager shut down meanwhile; shutdown closes the session.
            }

            // The evicted session is closed and usually destroyed by now: the run holds it current on its own.
            await dispatcher.RunForTombstoneAsync(lists.SessionEvicted, evicted, evicted.User, TriggerListNames.SessionEvicted, cancellationToken, (s, t) => new SessionEvictedContext(s!, newcomer, t)).ConfigureAwait(false);
        }
    }
}
