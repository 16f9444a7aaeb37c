using Microsoft.Extensions.Logging;
using SessionKit.Redis.Internal;
using StackExchange.Redis;

namespace SessionKit.Redis;

/// <summary>The <see cref="ISessionDirectory"/> part: what the manager asks and tells.</summary>
public sealed partial class RedisSessionDirectory
{
    /// <inheritdoc/>
    public async ValueTask<SessionAdmission> AdmitAsync(Session session, SessionUser user, int limit, SessionLimitPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(user);
        if (limit != int.MaxValue || !_limits.TryGetValue(user, out _))
        {
            RememberLimit(user, limit);
        }

        var tag = RedisKeys.Tag(session.Host, user.Name);
        var field = FieldOf(session);
        var inc = Incarnation;
        RedisResult result;
        try
        {
            ThrowIfUnavailable();

            // The member entry goes first on the wire, so a sweep of this incarnation always finds what the script added.
            _ = Db.SetAddAsync(_keys.Members(_options.NodeName, inc), tag + "\t" + field, CommandFlags.FireAndForget);
            result = await Db.ScriptEvaluateAsync(
                UserScripts.Admit,
                _keys.User(tag),
                [field, inc, limit, policy == SessionLimitPolicy.EvictOldest ? "e" : "r", tag, _events]).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            // The script may have run with its answer lost: the rejoin settles what the directory holds.
            MarkDirty(ex);
            return AdmitLocally(session, user, limit, policy, ex);
        }

        var values = (RedisResult[])result!;
        if ((long)values[0] == 0)
        {
            return new SessionAdmission(false);
        }

        if (_earlyEvictions.TryRemove(session.Id, out _))
        {
            // A newer admission evicted this one before it returned (see EvictLocalAsync): its place is gone already.
            return new SessionAdmission(false);
        }

        List<Session>? local = null;
        for (var i = 1; i < values.Length; i++)
        {
            var evicted = ParseField((string)values[i]!);
            if (evicted.Node == _options.NodeName)
            {
                if (Manager.TryGetSession(evicted.LocalId, out var found) && !ReferenceEquals(found, session))
                {
                    (local ??= []).Add(found);
                }
            }
            else
            {
                await PostAsync(evicted.Node, new InboxFrame(InboxCommand.Evict, string.Empty, 0) { LocalId = evicted.LocalId }).ConfigureAwait(false);
            }
        }

        return new SessionAdmission(true, local);
    }

    /// <inheritdoc/>
    public void Leave(Session session, SessionUser user)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(user);
        if (_redis is null)
        {
            return;
        }

        var tag = RedisKeys.Tag(session.Host, user.Name);
        var field = FieldOf(session);
        try
        {
            _ = Db.ScriptEvaluateAsync(UserScripts.Leave, _keys.User(tag), [field, tag, _events], CommandFlags.FireAndForget);
            _ = Db.SetRemoveAsync(_keys.Members(_options.NodeName, Incarnation), tag + "\t" + field, CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            // The rejoin after the outage purges every entry of the old incarnation that no live session renewed.
            MarkDirty(ex);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<ResourceClaim> ClaimResourceAsync(Session session, string resource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(resource);
        var tag = RedisKeys.Tag(session.Host, session.User.Name);
        RedisResult result;
        try
        {
            ThrowIfUnavailable();
            result = await Db.ScriptEvaluateAsync(UserScripts.Claim, _keys.User(tag), [FieldOf(session), resource, tag, _events]).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            if (_options.WhenUnavailable == DirectoryUnavailableBehavior.FailClosed)
            {
                throw new ResourceBindException("wait", "resource-constraint", "The session directory cannot reach Redis", ex);
            }

            // Local only: the local index decides (the caller's own TryBind); the rejoin re-registers the binding.
            MarkDirty(ex);
            return ResourceClaim.Claimed;
        }

        var values = (RedisResult[])result!;
        switch ((long)values[0])
        {
            case 1:
                return ResourceClaim.Claimed;
            case -1:
                return ResourceClaim.NotRegistered;
        }

        var holder = ParseField((string)values[1]!) with { Incarnation = long.Parse((string)values[2]!, System.Globalization.CultureInfo.InvariantCulture) };
        if (holder.Node == _options.NodeName && Manager.TryGetSession(holder.LocalId, out var local))
        {
            return ResourceClaim.HeldLocally(local);
        }

        return ResourceClaim.HeldRemotely(new RemoteHolder(holder, tag, resource));
    }

    /// <inheritdoc/>
    public async ValueTask<bool> ReplaceAsync(ResourceClaim claim, CancellationToken cancellationToken)
    {
        if (claim.RemoteHolder is not RemoteHolder holder)
        {
            throw new ArgumentException("The claim does not come from this directory.", nameof(claim));
        }

        if (holder.Id.Node == _options.NodeName)
        {
            // A stale entry of this very node (its session is gone): drop it, as its own leave would have.
            await ReleaseStaleAsync(holder.Tag, $"{holder.Id.Node}|{holder.Id.LocalId}").ConfigureAwait(false);
            return true;
        }

        var frame = new InboxFrame(InboxCommand.Replace, Inbox, 0) { LocalId = holder.Id.LocalId, Resource = holder.Resource, User = holder.Tag };
        var answer = await RequestAsync(holder.Id.Node, frame, cancellationToken).ConfigureAwait(false);
        return answer == 1;
    }

    /// <inheritdoc/>
    public void ReleaseResource(Session session, SessionUser user, string resource)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(resource);
        if (_redis is null)
        {
            return;
        }

        var tag = RedisKeys.Tag(session.Host, user.Name);
        try
        {
            _ = Db.ScriptEvaluateAsync(UserScripts.Release, _keys.User(tag), [FieldOf(session), resource, tag, _events], CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            MarkDirty(ex);
        }
    }

    private SessionAdmission AdmitLocally(Session session, SessionUser user, int limit, SessionLimitPolicy policy, Exception cause)
    {
        if (_options.WhenUnavailable == DirectoryUnavailableBehavior.FailClosed)
        {
            throw new SessionDirectoryUnavailableException("The session directory cannot reach Redis; the session cannot be admitted (RedisDirectoryOptions.WhenUnavailable is FailClosed).", cause);
        }

        var open = Manager.Users.SessionsOf(user.Name, session.Host).Where(s => s.State == SessionState.Open && !ReferenceEquals(s, session)).ToList();
        if (open.Count < limit)
        {
            return new SessionAdmission(true);
        }

        return policy == SessionLimitPolicy.EvictOldest
            ? new SessionAdmission(true, open.Take(open.Count - limit + 1).ToArray())
            : new SessionAdmission(false);
    }

    private async ValueTask ReleaseStaleAsync(string tag, string field)
    {
        await Db.ScriptEvaluateAsync(UserScripts.Leave, _keys.User(tag), [field, tag, _events]).ConfigureAwait(false);
    }

    private void ThrowIfUnavailable()
    {
        // Known to be down: answer at once (fail closed, or decide locally) rather than wait for the client's timeout.
        if (Incarnation == 0 || Status == DirectoryStatus.Unavailable)
        {
            throw new SessionDirectoryUnavailableException();
        }
    }

    private static bool IsUnavailable(Exception ex) => ex is RedisConnectionException or RedisTimeoutException or TimeoutException or SessionDirectoryUnavailableException;

    private void MarkDirty(Exception cause)
    {
        // Not the node's status (that follows its lease): one user's slot may be down while the rest of Redis answers.
        _logger.Unreachable(_options.NodeName, cause);
        _rejoinNeeded = true;
    }

    private static ClusterSessionId ParseField(string field)
    {
        var bar = field.LastIndexOf('|');
        return new ClusterSessionId(field[..bar], 0, ulong.Parse(field.AsSpan(bar + 1), System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>A holder on another node, as <see cref="ResourceClaim.RemoteHolder"/>.</summary>
    private sealed record RemoteHolder(ClusterSessionId Id, string Tag, string Resource);
}
