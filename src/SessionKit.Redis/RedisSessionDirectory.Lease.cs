using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using SessionKit.Redis.Internal;
using StackExchange.Redis;

namespace SessionKit.Redis;

/// <summary>
/// The lease: join, renew every third of the lease, sweep dead nodes, and rejoin as a new incarnation (re-registering
/// every live session) after the lease was lost, Redis lost its data, or Redis could not be reached.
/// </summary>
public sealed partial class RedisSessionDirectory
{
    private const int SweepBatch = 16;
    private const int PurgeBatch = 512;

    // The limit each admitted user had, for re-registering after a lost lease (the manager's limit delegate is its own).
    private readonly ConditionalWeakTable<SessionUser, StrongBox<int>> _limits = new();
    // Earlier incarnations of this node whose leftovers are still to purge (the heartbeat loop's alone).
    private readonly List<long> _stale = [];
    private volatile bool _renewedSinceReconnect;
    private volatile bool _rejoinNeeded;

    private long LeaseMs => (long)_options.LeaseDuration.TotalMilliseconds;

    // A renewal or join that has not answered within half a lease is a failure, whatever the client still waits for:
    // the node then knows it may be losing its lease, instead of hanging in the client's backlog.
    private TimeSpan LeaseCallTimeout => _options.LeaseDuration / 2;

    // A gap this long with no renewal and no sweep by any node is taken for a stall of Redis itself (see NodeScripts).
    private long StallMs => LeaseMs / 2;

    private void OnConnectionLost()
    {
        // Sweep nothing until this node renewed its own lease again: the others may simply not have reached Redis yet.
        // What was sent meanwhile may be lost (a queued leave, a release): the next heartbeat rejoins and resyncs.
        _renewedSinceReconnect = false;
        _rejoinNeeded = true;
    }

    private void OnConnectionRestored() => _logger.Restored(_options.NodeName);

    /// <summary>
    /// Joins as the node's next incarnation, then (after the first) re-registers every live session under it and purges
    /// what the earlier incarnations left: a session that left while Redis could not hear it, or whose slot was down.
    /// Whatever fails (a Redis Cluster master still down) is tried again at the next heartbeat.
    /// </summary>
    private async Task JoinAsync()
    {
        var old = Incarnation;
        var inc = (long)await LeaseCallAsync(NodeScripts.Join, _options.NodeName, old).ConfigureAwait(false);
        if (old != 0)
        {
            // Resyncing only once Redis answered: until then the node stays Unavailable.
            SetStatus(DirectoryStatus.Resyncing);
            _stale.Add(old);
        }

        Interlocked.Exchange(ref _incarnation, inc);
        _renewedSinceReconnect = true;
        _rejoinNeeded = false;
        var complete = true;
        if (old != 0)
        {
            // New admissions use the new incarnation from here on; the live sessions follow, then the old ones go.
            complete = await ResyncAsync(inc).ConfigureAwait(false);
            foreach (var stale in _stale.ToArray())
            {
                try
                {
                    await PurgeAsync(_options.NodeName, stale).ConfigureAwait(false);
                    _stale.Remove(stale);
                }
                catch (Exception ex) when (IsUnavailable(ex) || ex is RedisServerException)
                {
                    complete = false;
                }
            }
        }

        _rejoinNeeded |= !complete;
        _logger.Joined(_options.NodeName, inc);
        SetStatus(DirectoryStatus.Available);
    }

    private async Task HeartbeatLoopAsync()
    {
        using var timer = new PeriodicTimer(_options.LeaseDuration / 3);
        while (await TickAsync(timer).ConfigureAwait(false))
        {
            try
            {
                if (Incarnation == 0 || Status == DirectoryStatus.Unavailable || _rejoinNeeded)
                {
                    // After an outage nothing said during it is trusted: a new incarnation re-registers what is live.
                    await JoinAsync().ConfigureAwait(false);
                    continue;
                }

                var renewed = (long)await LeaseCallAsync(NodeScripts.Renew, Member(Incarnation)).ConfigureAwait(false);
                if (renewed == 0)
                {
                    _logger.LeaseLost(_options.NodeName, Incarnation);
                    await JoinAsync().ConfigureAwait(false);
                    continue;
                }

                _renewedSinceReconnect = true;
            }
            catch (Exception ex) when (!_stopping.IsCancellationRequested)
            {
                // Whatever went wrong, the loop goes on: a heartbeat that dies would let the lease run out.
                _logger.RenewFailed(_options.NodeName, ex);
                _renewedSinceReconnect = false;
                SetStatus(DirectoryStatus.Unavailable);
            }
        }
    }

    private async Task SweepLoopAsync()
    {
        using var timer = new PeriodicTimer(_options.EffectiveSweepInterval);
        while (await TickAsync(timer).ConfigureAwait(false))
        {
            if (!_renewedSinceReconnect || Status != DirectoryStatus.Available)
            {
                continue;
            }

            try
            {
                var dead = (RedisResult[])(await Db.ScriptEvaluateAsync(NodeScripts.Sweep, _keys.NodeKeys, [LeaseMs, StallMs, SweepBatch]).ConfigureAwait(false))!;
                foreach (var member in dead)
                {
                    var text = (string)member!;
                    var bar = text.LastIndexOf('|');
                    var node = text[..bar];
                    var inc = long.Parse(text.AsSpan(bar + 1), CultureInfo.InvariantCulture);
                    _logger.Sweeping(_options.NodeName, node, inc);
                    await PurgeAsync(node, inc).ConfigureAwait(false);
                    await Db.SortedSetRemoveAsync(_keys.Sweeping, text).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (!_stopping.IsCancellationRequested)
            {
                _logger.SweepFailed(_options.NodeName, ex);
            }
        }
    }

    /// <summary>
    /// A lease script, bounded by <see cref="LeaseCallTimeout"/> even if the client blocks the calling thread while it
    /// has no connection (it runs on a pool thread of its own).
    /// </summary>
    private Task<RedisResult> LeaseCallAsync(string script, RedisValue member, long last = 0)
    {
        RedisValue[] args = last == 0 && script != NodeScripts.Join ? [LeaseMs, StallMs, member] : [LeaseMs, StallMs, member, last];
        return Task.Run(() => Db.ScriptEvaluateAsync(script, _keys.NodeKeys, args)).WaitAsync(LeaseCallTimeout);
    }

    private async ValueTask<bool> TickAsync(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Removes what a dead incarnation registered and no newer incarnation re-registered, user by user, pipelined.</summary>
    internal async Task<long> PurgeAsync(string node, long incarnation)
    {
        var key = _keys.Members(node, incarnation);
        var removed = 0L;
        var batch = new Dictionary<string, List<RedisValue>>(StringComparer.Ordinal);
        var count = 0;
        await foreach (var entry in Db.SetScanAsync(key, pageSize: PurgeBatch).ConfigureAwait(false))
        {
            var text = (string)entry!;
            var tab = text.IndexOf('\t', StringComparison.Ordinal);
            var tag = text[..tab];
            if (!batch.TryGetValue(tag, out var fields))
            {
                batch[tag] = fields = [];
            }

            fields.Add(text[(tab + 1)..]);
            if (++count == PurgeBatch)
            {
                removed += await PurgeBatchAsync(incarnation, batch).ConfigureAwait(false);
                batch.Clear();
                count = 0;
            }
        }

        removed += await PurgeBatchAsync(incarnation, batch).ConfigureAwait(false);
        await Db.KeyDeleteAsync(key).ConfigureAwait(false);
        return removed;
    }

    private async Task<long> PurgeBatchAsync(long incarnation, Dictionary<string, List<RedisValue>> batch)
    {
        var calls = batch.Select(pair => Db.ScriptEvaluateAsync(
            UserScripts.Purge,
            _keys.User(pair.Key),
            [incarnation, pair.Key, _events, .. pair.Value]));
        var results = await Task.WhenAll(calls).ConfigureAwait(false);
        return results.Sum(static r => (long)r);
    }

    /// <summary>
    /// Re-registers every live session under the new incarnation, never at the expense of a newer session: one that
    /// finds its user at the limit is closed with SessionLimitReached, one whose resource was taken with Replaced.
    /// </summary>
    private async Task<bool> ResyncAsync(long incarnation)
    {
        var members = _keys.Members(_options.NodeName, incarnation);
        var sessions = Manager.GetSessions().Where(s => s.State == SessionState.Open && _limits.TryGetValue(s.User, out _)).ToArray();
        var calls = sessions.Select(async session =>
        {
            var user = session.User;
            var tag = RedisKeys.Tag(session.Host, user.Name);
            var field = FieldOf(session);
            var limit = _limits.TryGetValue(user, out var box) ? box.Value : int.MaxValue;
            long status;
            try
            {
                _ = Db.SetAddAsync(members, tag + "\t" + field, CommandFlags.FireAndForget);
                status = (long)await Db.ScriptEvaluateAsync(UserScripts.Resync, _keys.User(tag), [field, incarnation, limit, session.Resource ?? string.Empty, tag, _events]).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsUnavailable(ex) || ex is RedisServerException)
            {
                return false;
            }

            if (status == 0)
            {
                await session.CloseAsync(SessionCloseReason.SessionLimitReached).ConfigureAwait(false);
            }
            else if (status == 2)
            {
                await session.CloseAsync(SessionCloseReason.Replaced).ConfigureAwait(false);
            }

            return true;
        });
        return (await Task.WhenAll(calls).ConfigureAwait(false)).All(static ok => ok);
    }

    private void RememberLimit(SessionUser user, int limit) => _limits.AddOrUpdate(user, new StrongBox<int>(limit));
}
