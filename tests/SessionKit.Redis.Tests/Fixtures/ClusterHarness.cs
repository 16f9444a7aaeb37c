using SessionKit.Redis.Internal;
using StackExchange.Redis;

namespace SessionKit.Redis.Tests.Fixtures;

/// <summary>A redis-server and a few node processes around it, all stopped in Dispose (even after a failure).</summary>
public sealed class ClusterHarness : IAsyncDisposable
{
    private readonly List<NodeProcess> _nodes = [];
    private readonly RedisKeys _keys = new("sk");

    private ClusterHarness(IRedisDeployment redis) => Redis = redis;

    public IRedisDeployment Redis { get; }

    /// <summary>Gets the single server the harness runs on (tests that fault it).</summary>
    public RedisServer Server => (RedisServer)Redis;

    public IReadOnlyList<NodeProcess> Nodes => _nodes;

    public NodeProcess this[int index] => _nodes[index];

    public static async Task<ClusterHarness> StartAsync(int nodes, NodeSettings settings) =>
        await StartAsync(await RedisServer.StartAsync(), nodes, settings);

    /// <summary>Starts node processes against a single redis-server or, with <paramref name="onRedisCluster"/>, a 3-master Redis Cluster (issue 16 case 9: the same cases, unchanged).</summary>
    public static async Task<ClusterHarness> StartAsync(bool onRedisCluster, int nodes, NodeSettings settings) =>
        onRedisCluster ? await StartAsync(await RedisClusterServers.StartAsync(), nodes, settings) : await StartAsync(nodes, settings);

    /// <summary>Starts node processes against a deployment the harness then owns (a single server or a Redis Cluster).</summary>
    public static async Task<ClusterHarness> StartAsync(IRedisDeployment redis, int nodes, NodeSettings settings)
    {
        var harness = new ClusterHarness(redis);
        try
        {
            for (var i = 0; i < nodes; i++)
            {
                await harness.AddNodeAsync(((char)('A' + i)).ToString(), settings);
            }

            return harness;
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }
    }

    public async Task<NodeProcess> AddNodeAsync(string name, NodeSettings settings)
    {
        var node = await NodeProcess.StartAsync(Redis.Configuration, name, settings);
        _nodes.Add(node);
        return node;
    }

    /// <summary>Gets the directory's entries of a user straight from Redis: field <c>node|localId</c> → <c>incarnation|resource</c>.</summary>
    public async Task<Dictionary<string, string>> EntriesAsync(string user, string? host = null) =>
        (await Redis.Db.HashGetAllAsync(_keys.User(RedisKeys.Tag(host, user))[0])).ToDictionary(e => (string)e.Name!, e => (string)e.Value!);

    /// <summary>Gets the directory's resource map of a user: resource → holder field.</summary>
    public async Task<Dictionary<string, string>> ResourcesAsync(string user, string? host = null) =>
        (await Redis.Db.HashGetAllAsync(_keys.User(RedisKeys.Tag(host, user))[2])).ToDictionary(e => (string)e.Name!, e => (string)e.Value!);

    /// <summary>Gets the admission order of a user's sessions: field → sequence number.</summary>
    public async Task<Dictionary<string, double>> AgesAsync(string user) =>
        (await Redis.Db.SortedSetRangeByRankWithScoresAsync(_keys.User(RedisKeys.Tag(null, user))[1])).ToDictionary(e => (string)e.Element!, e => e.Score);

    /// <summary>Gets the live node incarnations (<c>node|incarnation</c>).</summary>
    public async Task<string[]> LeasesAsync() => (await Redis.Db.SortedSetRangeByRankAsync(_keys.Nodes)).Select(v => (string)v!).ToArray();

    /// <summary>Gets every open session of every node that is still running, as <c>node|id</c> fields of <paramref name="user"/>.</summary>
    public async Task<HashSet<string>> LiveFieldsAsync(string user, params NodeProcess[] nodes)
    {
        var fields = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            foreach (var session in await node.SessionsAsync())
            {
                if (session.User == user)
                {
                    fields.Add($"{node.Name}|{session.Id}");
                }
            }
        }

        return fields;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        await Redis.DisposeAsync();
    }
}
