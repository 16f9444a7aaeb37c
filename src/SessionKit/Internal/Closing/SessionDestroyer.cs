using Microsoft.Extensions.Logging;

namespace SessionKit.Internal;

/// <summary>
/// The last step of a session: once it is closed and its last reference (the connection's, a request scope's, a
/// holding trigger run's) is released, it leaves the user index and the registry, its storage is sealed, and
/// <c>on_user_offline</c> runs when it was its user's last session.
/// </summary>
internal sealed class SessionDestroyer(SessionRegistry registry, UserMembership membership, TriggerDispatcher dispatcher, TriggerList<UserPresenceContext> userOffline, ILogger logger)
{
    /// <summary>Gives back one reference; the last one out destroys a closed session.</summary>
    public void Release(Session session)
    {
        if (session.Release())
        {
            Destroy(session);
        }
    }

    /// <summary>Destroys a closed session whose references are all released. Runs once per session.</summary>
    public void Destroy(Session session)
    {
        bool offline;

        // Under the user lock so that a concurrent authentication cannot re-index a session being destroyed.
        lock (session.Holder.UserLock)
        {
            // Sealed before State reads Destroyed, and again after in case the storage was created lazily in
            // between, so no write lands once the session is observably destroyed.
            session.SealStorage();
            if (!session.TryMarkDestroyed())
            {
                return;
            }

            session.SealStorage();
            offline = membership.Leave(session, session.User);
        }

        if (membership.Directory is { } cluster && !membership.IsGuest(session.User))
        {
            // Outside the user lock: the directory only queues the removal.
            cluster.Leave(session, session.User);
        }

        session.ExtrasOrNull?.AuthenticationTimer?.Dispose();
        registry.Remove(session);
        logger.SessionDestroyed(session.Id);
        if (offline && userOffline.Count != 0)
        {
            // The session's own holder is detached just below; the run gets a holder of its own for its whole length.
            var user = session.User;
            Detached.Run(dispatcher.RunForTombstoneAsync(userOffline, session, user, TriggerListNames.UserOffline, CancellationToken.None, (s, t) => new UserPresenceContext(user.Name, s!.Host, s, t)));
        }

        session.ReleaseResources();
    }
}
