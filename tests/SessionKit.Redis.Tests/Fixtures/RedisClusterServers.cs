using System.Diagnostics;
using StackExchange.Redis;

namespace SessionKit.Redis.Tests.Fixtures;

/// <summary>
/// A 3-master Redis Cluster of the test's own: three <c>--cluster-enabled yes</c> servers joined by
/// <c>redis-cli --cluster create ... --cluster-yes</c>. Full coverage is not required, so when one master is down
/// the others keep serving their slots (the case the tests fault).
/// </summary>
public sealed class RedisClusterServers : IRedisDeployment
{
    private readonly RedisServer[] _masters;
    private ConnectionMultiplexer? _client;

    private RedisClusterServers(RedisServer[] masters) => _masters = masters;

    public IReadOnlyList<RedisServer> Masters => _masters;

    public string Configuration => string.Join(",", _masters.Select(m => m.Endpoint));

    public ConnectionMultiplexer Client => _client ?? throw new InvalidOperationException("Not started");

    public IDatabase Db => Client.GetDatabase();

    public static async Task<RedisClusterServers> StartAsync()
    {
        var masters = new List<RedisServer>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                masters.Add(await RedisServer.StartAsync(false, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000", "--cluster-require-full-coverage", "no"));
            }

            var cluster = new RedisClusterServers([.. masters]);
            await RunCliAsync(["--cluster", "create", .. masters.Select(m => m.Endpoint), "--cluster-replicas", "0", "--cluster-yes"]);
            foreach (var master in masters)
            {
                await Eventually.TrueAsync(async () => (await RunCliAsync(["-p", master.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "cluster", "info"])).Contains("cluster_state:ok", StringComparison.Ordinal), $"{master.Endpoint} sees the cluster ok");
            }

            cluster._client = await RedisServer.ConnectTestClientAsync(cluster.Configuration);
            return cluster;
        }
        catch
        {
            foreach (var master in masters)
            {
                await master.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>Gets the master serving the slot of a key.</summary>
    public RedisServer MasterOf(RedisKey key)
    {
        var slot = Client.HashSlot(key);
        var node = Client.GetServer(_masters[0].Endpoint).ClusterConfiguration!.GetBySlot(slot)!;
        return _masters.Single(m => node.EndPoint!.ToString()!.EndsWith($":{m.Port}", StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        foreach (var master in _masters)
        {
            await master.DisposeAsync();
        }
    }

    private static async Task<string> RunCliAsync(string[] args)
    {
        var info = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Eventually.Watchdog);
        return await output + await error;
    }
}
