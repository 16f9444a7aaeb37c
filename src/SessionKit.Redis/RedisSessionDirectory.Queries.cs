using System.Globalization;
using System.Runtime.CompilerServices;
using SessionKit.Redis.Internal;
using StackExchange.Redis;

namespace SessionKit.Redis;

/// <summary>Cluster-wide queries: one round trip each, answered by Redis (what every node registered).</summary>
public sealed partial class RedisSessionDirectory
{
    /// <summary>Tells whether a user has a session on any node.</summary>
    /// <param name="user">The user name.</param>
    /// <param name="host">The host, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when the directory holds a session of the user.</returns>
    /// <exception cref="RedisException">Redis cannot be reached.</exception>
    public async Task<bool> IsOnlineAsync(string user, string? host = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        return await Db.HashLengthAsync(_keys.User(RedisKeys.Tag(host, user))[0]).ConfigureAwait(false) > 0;
    }

    /// <summary>Gets a user's sessions on every node, with their node (in no particular order).</summary>
    /// <param name="user">The user name.</param>
    /// <param name="host">The host, or <see langword="null"/>.</param>
    /// <returns>The sessions.</returns>
    /// <exception cref="RedisException">Redis cannot be reached.</exception>
    public async Task<IReadOnlyList<ClusterSession>> SessionsOfAsync(string user, string? host = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        var entries = await Db.HashGetAllAsync(_keys.User(RedisKeys.Tag(host, user))[0]).ConfigureAwait(false);
        var sessions = new ClusterSession[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            sessions[i] = ToSession(user, host, entries[i].Name!, entries[i].Value!);
        }

        return sessions;
    }

    /// <summary>Finds the session bound to a user's resource on any node.</summary>
    /// <param name="user">The user name.</param>
    /// <param name="resource">The resource.</param>
    /// <param name="host">The host, or <see langword="null"/>.</param>
    /// <returns>The session, or <see langword="null"/> when the resource is free.</returns>
    /// <exception cref="RedisException">Redis cannot be reached.</exception>
    public async Task<ClusterSession?> FindResourceAsync(string user, string resource, string? host = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(resource);
        var result = await Db.ScriptEvaluateAsync(UserScripts.Find, _keys.User(RedisKeys.Tag(host, user)), [resource]).ConfigureAwait(false);
        if (result.IsNull)
        {
            return null;
        }

        var pair = (RedisResult[])result!;
        return ToSession(user, host, (string)pair[0]!, (string)pair[1]!);
    }

    /// <summary>Lists every session of every live node, node by node.</summary>
    /// <param name="cancellationToken">Stops the listing.</param>
    /// <returns>The sessions (a snapshot per node; sessions that come and go meanwhile may or may not appear).</returns>
    /// <exception cref="RedisException">Redis cannot be reached.</exception>
    public async IAsyncEnumerable<ClusterSession> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var nodes = await Db.SortedSetRangeByRankAsync(_keys.Nodes).ConfigureAwait(false);
        foreach (var member in nodes)
        {
            var text = (string)member!;
            var bar = text.LastIndexOf('|');
            var node = text[..bar];
            var inc = long.Parse(text.AsSpan(bar + 1), CultureInfo.InvariantCulture);
            var entries = await Db.SetMembersAsync(_keys.Members(node, inc)).ConfigureAwait(false);
            var batch = Db.CreateBatch();
            var reads = new (string Tag, string Field, Task<RedisValue> Value)[entries.Length];
            for (var i = 0; i < entries.Length; i++)
            {
                var entry = (string)entries[i]!;
                var tab = entry.IndexOf('\t', StringComparison.Ordinal);
                var tag = entry[..tab];
                var field = entry[(tab + 1)..];
                reads[i] = (tag, field, batch.HashGetAsync(_keys.User(tag)[0], field));
            }

            batch.Execute();
            foreach (var read in reads)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var value = await read.Value.ConfigureAwait(false);
                if (!value.IsNull)
                {
                    var (host, user) = RedisKeys.Untag(read.Tag);
                    yield return ToSession(user, host, read.Field, value!);
                }
            }
        }
    }

    private static ClusterSession ToSession(string user, string? host, string field, string value)
    {
        var id = ParseField(field);
        var bar = value.IndexOf('|', StringComparison.Ordinal);
        var inc = long.Parse(value.AsSpan(0, bar), CultureInfo.InvariantCulture);
        var resource = value[(bar + 1)..];
        return new ClusterSession(id with { Incarnation = inc }, user, host, resource.Length == 0 ? null : resource);
    }
}
