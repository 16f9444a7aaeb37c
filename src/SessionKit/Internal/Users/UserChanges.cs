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

    /// <summary>Publishes a user change: unbind, offline, online and evictions, in that order, outside every lock.</summary>
    public ValueTask PublishAsync(UserChange change, CancellationToken cancellationToken) =>
        change.HasEvents ? PublishCoreAsync(change, cancellationToken) : default;

    /// <summary>Evicts what exceeds <paramref name="user"/>'s limit now that <paramref name="newcomer"/> survived its connect; recomputed, since sessions may have left meanwhile.</summary>
    public ValueTask EvictForAsync(Session newcomer, SessionUser user, CancellationToken cancellationToken)
    {
        var evict = membership.Index.OverLimit(newcomer, user, membership.LimitFor(user));
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
