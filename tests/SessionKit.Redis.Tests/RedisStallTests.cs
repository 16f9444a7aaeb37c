using SessionKit.Redis.Tests.Fixtures;
using StackExchange.Redis;

namespace SessionKit.Redis.Tests;

/// <summary>Issue 16, cases 7 and 8: Redis stalls longer than the lease, and Redis restarted with its data lost.</summary>
public sealed class RedisStallTests
{
    [Theory]
    [InlineData("pause")]
    [InlineData("sleep")]
    public async Task A_Redis_stall_longer_than_the_lease_sweeps_no_live_node(string fault)
    {
        await using var cluster = await ClusterHarness.StartAsync(3, new NodeSettings(LeaseMs: 2000));
        var expected = new Dictionary<string, HashSet<string>>();
        foreach (var node in cluster.Nodes)
        {
            var user = $"u{node.Name}";
            expected[user] = [$"{node.Name}|{await node.ConnectAsync(user)}", $"{node.Name}|{await node.ConnectAsync(user)}"];
        }

        var server = cluster.Server.Client.GetServer(cluster.Server.Endpoint);
        if (fault == "pause")
        {
            // Writes (every script) wait 5 s, more than twice the lease; reads go on.
            await server.ExecuteAsync("CLIENT", "PAUSE", "5000", "WRITE");
            await Eventually.TrueAsync(async () => await IsWritableAsync(cluster.Server), "the pause is over");
        }
        else
        {
            // Nothing at all runs for 5 s; the test client (60 s timeout, see RedisServer) waits for the answer.
            await server.ExecuteAsync("DEBUG", "SLEEP", "5");
        }

        // Every node renews again after the stall; none of them was swept meanwhile.
        await Eventually.TrueAsync(
            async () =>
            {
                var leases = await cluster.LeasesAsync();
                return cluster.Nodes.All(n => leases.Any(l => l.StartsWith(n.Name + "|", StringComparison.Ordinal)));
            },
            "every node holds a lease");
        foreach (var node in cluster.Nodes)
        {
            await Eventually.TrueAsync(async () => (await node.RunAsync("info")).EndsWith(" Available", StringComparison.Ordinal), $"{node.Name} is available");
        }

        foreach (var (user, fields) in expected)
        {
            (await cluster.EntriesAsync(user)).Keys.Should().BeEquivalentTo(fields);
        }

        cluster.Nodes.SelectMany(n => n.Events).Should().NotContain(e => e.StartsWith("offline ", StringComparison.Ordinal) || e.StartsWith("closed ", StringComparison.Ordinal));
        (await cluster.Redis.Db.SortedSetLengthAsync("sk:{nodes}:sweeping")).Should().Be(0);
    }

    [Fact]
    public async Task After_Redis_restarts_empty_the_directory_converges_to_the_live_sessions()
    {
        await using var cluster = await ClusterHarness.StartAsync(3, new NodeSettings(LeaseMs: 2000));
        var (a, b, c) = (cluster[0], cluster[1], cluster[2]);
        await a.ConnectAsync("ivy");
        var onB = await b.ConnectAsync("ivy");
        (await b.RunAsync($"bind {onB} laptop")).Should().Be("laptop");
        await c.ConnectAsync("jon");
        var live = await cluster.LiveFieldsAsync("ivy", a, b, c);

        await cluster.Server.RestartEmptyAsync();

        // Each node finds its lease gone (or its connection dropped) and rejoins as a new incarnation, re-registering its
        // live sessions.
        await Eventually.TrueAsync(async () => (await cluster.EntriesAsync("ivy")).Keys.ToHashSet().SetEquals(live), "ivy's sessions are registered again");
        await Eventually.TrueAsync(async () => (await cluster.EntriesAsync("ivy")).Values.All(v => !v.StartsWith("1|", StringComparison.Ordinal)), "under the new incarnations");
        await Eventually.TrueAsync(async () => (await cluster.EntriesAsync("jon")).Count == 1, "jon's session is registered again");
        (await cluster.ResourcesAsync("ivy")).Should().Equal(new Dictionary<string, string> { ["laptop"] = $"B|{onB}" });
        cluster.Nodes.SelectMany(n => n.Events).Should().NotContain(e => e.StartsWith("closed ", StringComparison.Ordinal));

        // The inboxes are subscribed again: a send from A still reaches B and C's sessions of ivy (and A's own).
        await Eventually.TrueAsync(async () => (await a.RunAsync("send all ivy back")) == "2", "a cluster send reaches both of ivy's sessions");
    }

    private static async Task<bool> IsWritableAsync(RedisServer redis)
    {
        try
        {
            await redis.Db.StringSetAsync("probe", "1").WaitAsync(TimeSpan.FromSeconds(1));
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
