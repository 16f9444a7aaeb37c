namespace SessionKit;

/// <summary>
/// Where the per-user decisions that span processes are made: the cluster-wide session directory. The manager asks it
/// before a session takes a user (the per-user limit), before a session binds a resource (the conflict), and tells it
/// when a session leaves a user or releases a resource. Set <see cref="SessionManagerOptions.SessionDirectory"/> to
/// swap one in (<c>SessionKit.Redis</c>'s <c>AddRedisDirectory</c> does); without one (the default) every decision is
/// made in process by the manager's own user index, exactly as before, at no extra cost.
/// </summary>
/// <remarks>
/// <para>
/// The manager keeps its local index either way: local lookups (<see cref="UserSessions.SessionsOf"/> and the like)
/// stay local and synchronous. With a directory the local per-user limit is not applied: the directory's decision
/// replaces it (it counts the sessions of every node).
/// </para>
/// <para>
/// Calls come from any thread, never under a lock of the manager. <see cref="Leave"/> and
/// <see cref="ReleaseResource"/> must not block and must not throw: they are called from a session's close and destroy.
/// </para>
/// </remarks>
public interface ISessionDirectory
{
    /// <summary>Called once by the manager's constructor, after the manager is complete: the directory may keep it to find, close and send to local sessions.</summary>
    /// <param name="manager">The manager that uses this directory.</param>
    /// <exception cref="InvalidOperationException">The directory already serves another manager.</exception>
    void Attach(SessionManager manager);

    /// <summary>
    /// Decides whether <paramref name="session"/> may take <paramref name="user"/> (authentication, a pre-authenticated
    /// connect) given the user's sessions everywhere, and records it when it may. Under
    /// <see cref="SessionLimitPolicy.EvictOldest"/> the oldest sessions over the limit are removed from the directory
    /// in the same step; the directory closes those of other nodes itself and returns the local ones, which the manager
    /// closes with <see cref="SessionCloseReason.SessionLimitReached"/> and reports to <c>on_session_evicted</c>.
    /// </summary>
    /// <param name="session">The session taking the user.</param>
    /// <param name="user">The user (never the guest).</param>
    /// <param name="limit">The user's limit (<see cref="int.MaxValue"/> without one).</param>
    /// <param name="policy">What to do at the limit.</param>
    /// <param name="cancellationToken">Cancels the wait for the decision.</param>
    /// <returns>The decision.</returns>
    ValueTask<SessionAdmission> AdmitAsync(Session session, SessionUser user, int limit, SessionLimitPolicy policy, CancellationToken cancellationToken);

    /// <summary>Records that <paramref name="session"/> no longer runs as <paramref name="user"/> (destroyed, or changed user), with the resource it held. Must not block or throw.</summary>
    /// <param name="session">The session.</param>
    /// <param name="user">The user it left (never the guest).</param>
    void Leave(Session session, SessionUser user);

    /// <summary>Claims <paramref name="resource"/> of the session's user for <paramref name="session"/>, unless another session anywhere holds it.</summary>
    /// <param name="session">The session binding (admitted, not closed).</param>
    /// <param name="resource">The resource.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>Claimed, or who holds it.</returns>
    ValueTask<ResourceClaim> ClaimResourceAsync(Session session, string resource, CancellationToken cancellationToken);

    /// <summary>
    /// Under <see cref="ResourceConflictPolicy.KickOld"/>: has the node of a remote holder close it with
    /// <see cref="SessionCloseReason.Replaced"/>, and waits until the holder's resource is released in the directory.
    /// </summary>
    /// <param name="claim">A claim that found a remote holder.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> when the holder is gone; <see langword="false"/> when its node did not confirm within the directory's bound (the bind then fails with <c>cancel / conflict</c>).</returns>
    ValueTask<bool> ReplaceAsync(ResourceClaim claim, CancellationToken cancellationToken);

    /// <summary>Records that <paramref name="session"/> released <paramref name="resource"/> (its close, or a bind rolled back). Must not block or throw.</summary>
    /// <param name="session">The session.</param>
    /// <param name="user">The user the resource belonged to.</param>
    /// <param name="resource">The resource.</param>
    void ReleaseResource(Session session, SessionUser user, string resource);
}
