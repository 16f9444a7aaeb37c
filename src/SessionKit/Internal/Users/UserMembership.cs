using Microsoft.Extensions.Logging;

namespace SessionKit.Internal;

/// <summary>
/// Which sessions belong to which user: owns the user index (sessions per user, resources, shared storage) and moves a
/// session from one user to another under the session's user lock, with the per-user limit. Publishes nothing: the
/// events of a change are <see cref="UserChanges"/>' job.
/// </summary>
internal sealed class UserMembership(SessionUser guest, Func<SessionUser, int>? maxSessionsPerUser, SessionLimitPolicy limitPolicy, int maxSharedStorageKeys, ILogger logger, ISessionDirectory? directory = null)
{
    /// <summary>Gets the cluster-wide directory, or <see langword="null"/> when every decision is local.</summary>
    public ISessionDirectory? Directory { get; } = directory;

    /// <summary>Gets the user index. Readers may query it; only this type and the destroy/unbind of a session change it.</summary>
    public UserIndex Index { get; } = new() { MaxSharedStorageKeys = maxSharedStorageKeys };

    /// <summary>Gets the guest user: a session runs as guest until it authenticates, and guest sessions are not indexed.</summary>
    public SessionUser Guest { get; } = guest;

    /// <summary>Gets the limit of sessions per user (at least 1; <see cref="int.MaxValue"/> without one).</summary>
    public int LimitFor(SessionUser user) => maxSessionsPerUser is { } limit ? Math.Max(1, limit(user)) : int.MaxValue;

    /// <summary>Tells whether <paramref name="user"/> is the guest user (never indexed).</summary>
    public bool IsGuest(SessionUser user) => user.Id == Guest.Id;

    /// <summary>
    /// Re-keys the user index for a session taking <paramref name="user"/>, checks the per-user limit and releases a
    /// resource bound under the old user, all under the session's user lock. The caller holds a lifecycle step.
    /// </summary>
    /// <exception cref="SessionLimitExceededException">The user is at its limit under <see cref="SessionLimitPolicy.RejectNew"/>; nothing changed.</exception>
    public UserChange Change(Session session, SessionUser user)
    {
        UserChange change;

        // The user lock orders a user change against destroy (which removes the session from the index under it), so a
        // session being destroyed is never re-indexed.
        lock (session.Holder.UserLock)
        {
            var previous = session.Holder.User;
            change = new UserChange(session, previous, user);
            if (previous.Id == user.Id && previous.Name == user.Name)
            {
                return change with { Unchanged = true };
            }

            if (!IsGuest(user))
            {
                // With a directory the limit was decided cluster-wide before (AdmitAsync); the local index only records.
                var limit = Directory is null ? LimitFor(user) : int.MaxValue;
                var added = Index.Add(session, user, limit, rejectOverLimit: limitPolicy == SessionLimitPolicy.RejectNew);
                if (!added.Added)
                {
                    throw new SessionLimitExceededException(user.Name, limit);
                }

                change = change with { Online = added.First, Evict = added.OverLimit };
            }

            if (!IsGuest(previous))
            {
                var resource = Index.Unbind(session, previous);
                var offline = Index.Remove(session, previous);
                change = change with { UnboundResource = resource, Offline = offline };
            }

            if (change.UnboundResource is not null)
            {
                // The binding belonged to the old user's address; the session may bind again as the new user.
                session.ResetBind();
            }

            session.Holder.User = user;
        }

        if (!IsGuest(user))
        {
            session.ExtrasOrNull?.AuthenticationTimer?.Dispose();
        }

        if (Directory is { } cluster && !IsGuest(change.Previous))
        {
            // Outside the lock: the directory only queues the removal (it removes the old user's resource with it).
            cluster.Leave(session, change.Previous);
        }

        logger.UserChanged(session.Id, change.Previous.Name, user.Name);
        return change;
    }

    /// <summary>
    /// Asks the cluster-wide directory whether <paramref name="session"/> may take <paramref name="user"/>; admitted at
    /// once (without a call) when there is no directory or the user is the guest.
    /// </summary>
    public ValueTask<SessionAdmission> AdmitAsync(Session session, SessionUser user, CancellationToken cancellationToken) =>
        Directory is { } cluster && !IsGuest(user)
            ? cluster.AdmitAsync(session, user, LimitFor(user), limitPolicy, cancellationToken)
            : new ValueTask<SessionAdmission>(new SessionAdmission(true));

    /// <summary>Takes a destroyed session out of the index; returns whether it was its user's last (<c>on_user_offline</c>).</summary>
    /// <remarks>Called under the session's user lock by destroy.</remarks>
    public bool Leave(Session session, SessionUser user) => !IsGuest(user) && Index.Remove(session, user);
}
