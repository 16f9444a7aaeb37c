using SessionKit.Redis.Tests.Fixtures;

namespace SessionKit.Redis.Tests;

/// <summary>Issue 16, case 3 (and case 9 on a 3-master Redis Cluster): limit 3 per user, 3 nodes × 5 concurrent authentications.</summary>
public sealed class SessionLimitTests
{
    private const int Limit = 3;
    private const int PerNode = 5;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RejectNew_admits_exactly_the_limit_across_nodes(bool onRedisCluster)
    {
        await using var cluster = await ClusterHarness.StartAsync(onRedisCluster, 3, new NodeSettings(Limit: Limit, LimitPolicy: SessionLimitPolicy.RejectNew));
        var answers = await LoginConcurrentlyAsync(cluster, "dana");

        answers.Count(a => !a.Answer.StartsWith("ERR", StringComparison.Ordinal)).Should().Be(Limit);
        answers.Where(a => a.Answer.StartsWith("ERR", StringComparison.Ordinal)).Should().OnlyContain(a => a.Answer.Contains("SessionLimitExceededException", StringComparison.Ordinal));
        var admitted = answers.Where(a => !a.Answer.StartsWith("ERR", StringComparison.Ordinal)).Select(a => $"{a.Node}|{a.Answer}");
        (await cluster.EntriesAsync("dana")).Keys.Should().BeEquivalentTo(admitted);
        (await cluster.LiveFieldsAsync("dana", [.. cluster.Nodes])).Should().BeEquivalentTo(admitted);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EvictOldest_keeps_the_three_newest_across_nodes(bool onRedisCluster)
    {
        await using var cluster = await ClusterHarness.StartAsync(onRedisCluster, 3, new NodeSettings(Limit: Limit, LimitPolicy: SessionLimitPolicy.EvictOldest));
        var answers = await LoginConcurrentlyAsync(cluster, "erin");

        // Every login is admitted; one evicted by a newer admission before its own authentication finished sees its
        // session closed (the directory admitted it, then a newer one took its place).
        answers.Should().OnlyContain(a => !a.Answer.StartsWith("ERR", StringComparison.Ordinal) || a.Answer.StartsWith("ERR SessionClosedException", StringComparison.Ordinal));

        // The directory admitted all 15 in one order (its sequence counts 1..15); the survivors are the last three.
        var ages = await cluster.AgesAsync("erin");
        ages.Values.Should().BeEquivalentTo(new double[] { 13, 14, 15 });
        (await cluster.EntriesAsync("erin")).Keys.Should().BeEquivalentTo(ages.Keys);
        await Eventually.TrueAsync(
            async () => (await cluster.LiveFieldsAsync("erin", [.. cluster.Nodes])).SetEquals(ages.Keys),
            "each evicted session was closed by its own node");
        cluster.Nodes.SelectMany(n => n.Events).Count(e => e.StartsWith("closed ", StringComparison.Ordinal)).Should().Be((3 * PerNode) - Limit);
        cluster.Nodes.SelectMany(n => n.Events).Where(e => e.StartsWith("closed ", StringComparison.Ordinal)).Should().OnlyContain(e => e.EndsWith(" policy-violation", StringComparison.Ordinal));

        // One more, later: it survives and the oldest of the three goes.
        var oldest = ages.MinBy(a => a.Value).Key;
        var newest = $"A|{await cluster[0].RunAsync("login erin")}";
        var now = await cluster.AgesAsync("erin");
        now.Keys.Should().BeEquivalentTo(ages.Keys.Where(k => k != oldest).Append(newest));
    }

    private static async Task<(string Node, string Answer)[]> LoginConcurrentlyAsync(ClusterHarness cluster, string user)
    {
        var logins = cluster.Nodes.SelectMany(node => Enumerable.Range(0, PerNode).Select(async _ => (node.Name, await node.RunAsync($"login {user}", allowError: true))));
        return await Task.WhenAll(logins);
    }
}
