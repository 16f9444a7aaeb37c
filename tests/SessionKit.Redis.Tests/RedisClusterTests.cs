using SessionKit.Redis.Internal;
using SessionKit.Redis.Tests.Fixtures;

namespace SessionKit.Redis.Tests;

/// <summary>Issue 16, case 9: the same directory on a 3-master Redis Cluster, unchanged; one master down.</summary>
public sealed class RedisClusterTests
{
    private static readonly RedisKeys Keys = new("sk");

    [Fact]
    public async Task Registration_conflicts_limits_and_sends_hold_on_a_three_master_cluster()
    {
        await using var cluster = await ClusterHarness.StartAsync(await RedisClusterServers.StartAsync(), 3, new NodeSettings(LeaseMs: 2000, Limit: 3));
        var (a, b, c) = (cluster[0], cluster[1], cluster[2]);
        var servers = (RedisClusterServers)cluster.Redis;

        // Case 1, with users spread over every master.
        var users = Enumerable.Range(0, 30).Select(i => $"user{i}").ToArray();
        users.Select(u => servers.MasterOf(Keys.User(RedisKeys.Tag(null, u))[0]).Port).Distinct().Should().HaveCount(3);
        foreach (var user in users.Take(9))
        {
            var id = await a.ConnectAsync(user);
            (await b.RunAsync($"online {user}")).Should().Be("True");
            (await cluster.EntriesAsync(user)).Keys.Should().Equal($"A|{id}");
        }

        // Case 2 (KickOld): 3 × 3 concurrent binds (the limit is 3 per node here, so 3 sessions each on 3 users' worth).
        var binders = new List<(NodeProcess Node, ulong Id)>();
        foreach (var node in cluster.Nodes)
        {
            binders.Add((node, await node.ConnectAsync("kicked")));
        }

        var binds = await Task.WhenAll(binders.Select(async s => await s.Node.RunAsync($"bind {s.Id} phone", allowError: true)));
        binds.Should().OnlyContain(r => r == "phone" || r.StartsWith("ERR SessionClosedException", StringComparison.Ordinal));
        await Eventually.TrueAsync(async () => (await cluster.EntriesAsync("kicked")).Count == 1, "the replaced sessions left");
        var owner = (await cluster.ResourcesAsync("kicked")).Should().ContainSingle().Subject.Value;
        (await cluster.LiveFieldsAsync("kicked", a, b, c)).Should().Equal(owner);

        // Case 3 (RejectNew, limit 3): 3 nodes × 5 concurrent logins.
        var logins = await Task.WhenAll(cluster.Nodes.SelectMany(n => Enumerable.Range(0, 5).Select(_ => n.RunAsync("login limited", allowError: true))));
        logins.Count(l => !l.StartsWith("ERR", StringComparison.Ordinal)).Should().Be(3);
        (await cluster.EntriesAsync("limited")).Should().HaveCount(3);

        // Case 4: a send from A reaches B and C.
        await b.ConnectAsync("sent");
        await c.ConnectAsync("sent");
        (await a.RunAsync("send all sent hi")).Should().Be("2");
    }

    [Fact]
    public async Task A_killed_node_is_swept_on_a_cluster()
    {
        await using var cluster = await ClusterHarness.StartAsync(await RedisClusterServers.StartAsync(), 2, new NodeSettings(LeaseMs: 2000));
        var (a, b) = (cluster[0], cluster[1]);
        var users = Enumerable.Range(0, 6).Select(i => $"dead{i}").ToArray();
        foreach (var user in users)
        {
            var id = await b.ConnectAsync(user);
            (await b.RunAsync($"bind {id} phone")).Should().Be("phone");
        }

        b.Signal(Signals.Kill);

        foreach (var user in users)
        {
            await Eventually.TrueAsync(async () => (await cluster.EntriesAsync(user)).Count == 0, $"{user}'s session was swept");
            var again = await a.ConnectAsync(user);
            (await a.RunAsync($"bind {again} phone")).Should().Be("phone");
        }

        await Eventually.TrueAsync(() => Task.FromResult(users.All(u => a.Count($"offline {u}") == 1)), "one offline event per user");
    }

    [Fact]
    public async Task One_master_down_affects_only_its_slots_users_and_they_resync_when_it_is_back()
    {
        var servers = await RedisClusterServers.StartAsync();
        await using var cluster = await ClusterHarness.StartAsync(servers, 2, new NodeSettings(LeaseMs: 2000));
        var (a, b) = (cluster[0], cluster[1]);
        var leases = servers.MasterOf(Keys.Nodes);
        var victim = servers.Masters.First(m => m != leases);
        var users = Enumerable.Range(0, 40).Select(i => $"slot{i}").ToArray();
        var affected = users.Where(u => servers.MasterOf(Keys.User(RedisKeys.Tag(null, u))[0]) == victim).Take(3).ToArray();
        var spared = users.Where(u => servers.MasterOf(Keys.User(RedisKeys.Tag(null, u))[0]) != victim).Take(3).ToArray();
        affected.Should().HaveCount(3);
        var before = new Dictionary<string, string>();
        foreach (var user in affected)
        {
            before[user] = $"B|{await b.ConnectAsync(user)}";
        }

        victim.Crash();

        // Only the users whose slot the stopped master served see the unavailable behaviour (fail closed here).
        foreach (var user in affected)
        {
            await Eventually.TrueAsync(async () => (await a.RunAsync($"connect {user}", allowError: true)) is var r && r.StartsWith("ERR", StringComparison.Ordinal) && !r.Contains("Limit", StringComparison.Ordinal), "an affected user is refused");
        }

        foreach (var user in spared)
        {
            await a.ConnectAsync(user);
            (await b.RunAsync($"online {user}")).Should().Be("True");
        }

        // The node keeps its lease (it lives on another master); it resyncs until the stopped master is back.
        (await a.RunAsync("info")).Should().NotEndWith(" Unavailable");

        // Back, empty: B re-registers its sessions of the affected users.
        await victim.StartAgainAsync();
        foreach (var user in affected)
        {
            await Eventually.TrueAsync(
                async () =>
                {
                    try
                    {
                        return (await cluster.EntriesAsync(user)).ContainsKey(before[user]);
                    }
                    catch (StackExchange.Redis.RedisException)
                    {
                        // CLUSTERDOWN while the restarted master rejoins the cluster.
                        return false;
                    }
                },
                $"{user}'s session on B is registered again");
        }
    }
}
