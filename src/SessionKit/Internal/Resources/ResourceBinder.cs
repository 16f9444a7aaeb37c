using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace SessionKit.Internal;

/// <summary>
/// Resource binding (Prosody's bind): <c>on_pre_resource_bind</c>, the conflict policy against the user's other
/// sessions, the bind in the user index, then <c>on_resource_bind</c> (whose error rolls the bind back).
/// </summary>
internal sealed class ResourceBinder(UserMembership membership, HoldingRuns runs, TriggerLists lists, SessionCloser closer, ResourceConflictPolicy conflictPolicy, int maxResourceLength, ILogger logger)
{
    private const int RandomResourceBytes = 9;

    /// <summary>Binds for a session the caller validated (argument checks, not disposed, not closed).</summary>
    public async ValueTask<string> BindAsync(Session session, string? resource, CancellationToken cancellationToken)
    {
        if (membership.IsGuest(session.User))
        {
            throw new ResourceBindException("auth", "not-authorized", "Cannot bind resource before authentication");
        }

        if (!session.TryStartBind())
        {
            throw new ResourceBindException("cancel", "not-allowed", "Cannot bind multiple resources on a single connection");
        }

        try
        {
            var wanted = string.IsNullOrEmpty(resource) ? RandomResource() : resource;
            if (lists.PreResourceBind.Count != 0)
            {
                var pre = new PreResourceBindContext(session, wanted, cancellationToken);
                await runs.RunAsync(lists.PreResourceBind, session, TriggerListNames.PreResourceBind, false, cancellationToken, (_, _) => pre).ConfigureAwait(false);
                if (pre.VetoError is { } veto)
                {
                    throw veto;
                }

                wanted = pre.Resource;
            }

            var bound = await ResolveAndBindAsync(session, wanted).ConfigureAwait(false);
            logger.ResourceBound(session.Id, bound);
            try
            {
                await runs.RunAsync(lists.ResourceBind, session, TriggerListNames.ResourceBind, false, cancellationToken, (s, t) => new ResourceBindContext(s!, bound, null, t)).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Prosody's roster-load failure: roll everything back so no index keeps the session.
                if (membership.Index.Unbind(session, session.User) is { } released)
                {
                    membership.Directory?.ReleaseResource(session, session.User, released);
                }

                session.Resource = null;
                throw new ResourceBindException("cancel", "internal-server-error", "The bind could not be completed", ex);
            }

            return bound;
        }
        finally
        {
            session.EndBind();
        }
    }

    private async ValueTask<string> ResolveAndBindAsync(Session session, string wanted)
    {
        if (membership.Directory is { } cluster)
        {
            return await ResolveInClusterAsync(cluster, session, wanted).ConfigureAwait(false);
        }

        var user = session.User;
        var candidate = wanted;
        var suffix = 0;
        while (true)
        {
            SessionGuards.ThrowIfClosed(session);
            var attempt = membership.Index.TryBind(session, user, candidate);
            if (attempt.Bound)
            {
                // A close that began after the check above may have released the resources already (it unbinds right
                // after marking the session closed), so it would miss this bind and the resource would stay held by a
                // closed session until its destroy, which an open request scope can put off for ever (and a kick-old
                // bind of it would retry all that time). The full fence pairs with the close's own (TryMarkClosed):
                // either the close sees this bind and releases it, or this sees the close.
                Interlocked.MemoryBarrier();
                if (session.IsClosed)
                {
                    membership.Index.Unbind(session, user);
                    session.Resource = null;
                    SessionGuards.ThrowIfClosed(session);
                }

                return candidate;
            }

            if (!attempt.Indexed)
            {
                // The session left the user's index (its user changed or it closed) while binding.
                throw UserChangedWhileBinding(session);
            }

            if (NextCandidate(wanted, candidate, ref suffix) is { } next)
            {
                candidate = next;
                continue;
            }

            // KickOld: the old session is closed (and so unbound, with its unbind event) before we retry, so its unbind
            // always precedes the new bind. A concurrent binder may take the resource in between; the loop then kicks
            // that one too. Each turn closes a session, so it terminates.
            await KickLocalAsync(attempt.Owner!).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The conflict policy decided by the cluster-wide directory: the claim there comes first, the local index follows
    /// it. A local holder is kicked as in <see cref="ResolveAndBindAsync"/>; a remote one by its own node, which
    /// confirms once the holder's resource is released (or the bind fails with a conflict after the directory's bound).
    /// </summary>
    private async ValueTask<string> ResolveInClusterAsync(ISessionDirectory cluster, Session session, string wanted)
    {
        var user = session.User;
        var candidate = wanted;
        var suffix = 0;
        while (true)
        {
            SessionGuards.ThrowIfClosed(session);
            var claim = await cluster.ClaimResourceAsync(session, candidate, CancellationToken.None).ConfigureAwait(false);
            if (claim.Outcome == ResourceClaimOutcome.Claimed)
            {
                var attempt = membership.Index.TryBind(session, user, candidate);
                if (attempt.Bound)
                {
                    // As in the local path: the fence pairs with the close's, so a close either releases this bind or is seen.
                    Interlocked.MemoryBarrier();
                    if (session.IsClosed)
                    {
                        membership.Index.Unbind(session, user);
                        cluster.ReleaseResource(session, user, candidate);
                        session.Resource = null;
                        SessionGuards.ThrowIfClosed(session);
                    }

                    return candidate;
                }

                cluster.ReleaseResource(session, user, candidate);
                if (!attempt.Indexed)
                {
                    throw UserChangedWhileBinding(session);
                }

                claim = ResourceClaim.HeldLocally(attempt.Owner!);
            }
            else if (claim.Outcome == ResourceClaimOutcome.NotRegistered)
            {
                throw UserChangedWhileBinding(session);
            }

            if (NextCandidate(wanted, candidate, ref suffix) is { } next)
            {
                candidate = next;
                continue;
            }

            await KickHolderAsync(cluster, claim).ConfigureAwait(false);
        }
    }

    private async ValueTask KickHolderAsync(ISessionDirectory cluster, ResourceClaim claim)
    {
        if (claim.LocalHolder is not { } owner)
        {
            if (!await cluster.ReplaceAsync(claim, CancellationToken.None).ConfigureAwait(false))
            {
                throw new ResourceBindException("cancel", "conflict", "The node of the session holding the resource did not confirm its close in time");
            }

            return;
        }

        await KickLocalAsync(owner).ConfigureAwait(false);
    }

    /// <summary>Under <see cref="ResourceConflictPolicy.KickOld"/>: closes a holder in this process with <see cref="SessionCloseReason.Replaced"/>.</summary>
    private async ValueTask KickLocalAsync(Session owner)
    {
        if (closer.IsInCloseOf(owner))
        {
            // Called from the owner's own close (its triggers or transport): that close waits for this bind, so the
            // resource cannot be freed before the bind returns. Refuse rather than spin.
            throw new ResourceBindException("cancel", "conflict", "Resource is held by a session whose close is waiting for this bind");
        }

        if (!await closer.CloseAsync(owner, SessionCloseReason.Replaced, TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false))
        {
            // The owner was already closing (its close was awaited above) or the host disconnected it and is about to
            // release the resource: let that finish instead of spinning.
            await Task.Yield();
        }
    }

    /// <summary>
    /// The next name to try under a renaming policy, or <see langword="null"/> under <see cref="ResourceConflictPolicy.KickOld"/>
    /// (the holder goes instead).
    /// </summary>
    /// <exception cref="ResourceBindException">Under <see cref="ResourceConflictPolicy.RejectNew"/>.</exception>
    private string? NextCandidate(string wanted, string candidate, ref int suffix) => conflictPolicy switch
    {
        ResourceConflictPolicy.RejectNew => throw new ResourceBindException("cancel", "conflict", "Resource already exists"),
        ResourceConflictPolicy.Increment => Names.WithSuffix(wanted, ++suffix, maxResourceLength),
        ResourceConflictPolicy.Random => suffix++ == 0 ? RandomResource() : Names.WithSuffix(candidate, suffix, maxResourceLength),
        _ => null,
    };

    /// <summary>The session left its user's index while binding: closed (that exception is thrown) or its user changed.</summary>
    private static ResourceBindException UserChangedWhileBinding(Session session)
    {
        SessionGuards.ThrowIfClosed(session);
        return new ResourceBindException("cancel", "not-allowed", "The session's user changed while binding");
    }

    private static string RandomResource()
    {
        Span<byte> bytes = stackalloc byte[RandomResourceBytes];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');
    }
}
