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
    private volatile bool _renewedSinceReconnect;

    private long LeaseMs => (long)_options.LeaseDuration.TotalMilliseconds;

    // A gap this long with no renewal and no sweep by any node is taken for a stall of Redis itself (see NodeScripts).
    private long StallMs => LeaseMs / 2;

    private void OnConnectionLost()
    {
        // Sweep nothing until this node renewed its own lease again: the others may simply not have reached Redis yet.
        _renewedSinceReconnect = false;
        if (Status == DirectoryStatus.Available)
        {
            SetStatus(DirectoryStatus.Unavailable);
        }
    }

    private void OnConnectionRestored() => _logger.Restored(_options.NodeName);

    private async Task JoinAsync()
    {
        var old = Incarnation;
        if (old != 0)
        {
            SetStatus(DirectoryStatus.Resyncing);
        }

        var inc = (long)await Db.ScriptEvaluateAsync(NodeScripts.Join, _keys.NodeKeys, [LeaseMs, StallMs, _options.NodeName, old]).ConfigureAwait(false);
        Interlocked.Exchange(ref _incarnation, inc);
        if (old != 0)
        {
            // New admissions use the new incarnation from here on; the live sessions follow, then the old one goes.
            await ResyncAsync(inc).ConfigureAwait(false);
            await PurgeAsync(_options.NodeName, old).ConfigureAwait(false);
        }

        _renewedSinceReconnect = true;
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
                if (Incarnation == 0 || Status == DirectoryStatus.Unavailable)
                {
                    // After an outage nothing said during it is trusted: a new incarnation re-registers what is live.
                    await JoinAsync().ConfigureAwait(false);
                    continue;
                }

                var renewed = (long)await Db.ScriptEvaluateAsync(NodeScripts.Renew, _keys.NodeKeys, [LeaseMs, StallMs, Member(Incarnation)]).ConfigureAwait(false);
                if (renewed == 0)
                {
                    _logger.LeaseLost(_options.NodeName, Incarnation);
                    await JoinAsync().ConfigureAwait(false);
                    continue;
                }

                _renewedSinceReconnect = true;
            }
            catch (Exception ex) when (IsUnavailable(ex) || ex is RedisServerException)
            {
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
            catch (Exception ex) when (IsUnavailable(ex) || ex is RedisServerException)
            {
                _logger.SweepFailed(_options.NodeName, ex);
            }
        }
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
            [incarnation, pair.Key, _keys.Events.ToString(), .. pair.Value]));
        var results = await Task.WhenAll(calls).ConfigureAwait(false);
        return results.Sum(static r => (long)r);
    }

    /// <summary>
    /// Re-registers every live session under the new incarnation, never at the expense of a newer session: one that
    /// finds its user at the limit is closed with SessionLimitReached, one whose resource was taken with Replaced.
    /// </summary>
    private async Task ResyncAsync(long incarnation)
    {
        var members = _keys.Members(_options.NodeName, incarnation);
        var sessions = Manager.GetSessions().Where(s => s.State == SessionState.Open && _limits.TryGetValue(s.User, out _)).ToArray();
        var calls = sessions.Select(async session =>
        {
            var user = session.User;
            var tag = RedisKeys.Tag(session.Host, user.Name);
            var field = FieldOf(session);
            var limit = _limits.TryGetValue(user, out var box) ? box.Value : int.MaxValue;
            _ = Db.SetAddAsync(members, tag + "\t" + field, CommandFlags.FireAndForget);
            var status = (long)await Db.ScriptEvaluateAsync(UserScripts.Resync, _keys.User(tag), [field, incarnation, limit, session.Resource ?? string.Empty, tag, _keys.Events.ToString()]).ConfigureAwait(false);
            if (status == 0)
            {
                await session.CloseAsync(SessionCloseReason.SessionLimitReached).ConfigureAwait(false);
            }
            else if (status == 2)
            {
                await session.CloseAsync(SessionCloseReason.Replaced).ConfigureAwait(false);
            }
        });
        await Task.WhenAll(calls).ConfigureAwait(false);
    }

    private void RememberLimit(SessionUser user, int limit) => _limits.AddOrUpdate(user, new StrongBox<int>(limit));
}
