using SessionKit.Redis.Tests.Fixtures;

namespace SessionKit.Redis.Tests;

/// <summary>Issue 16, case 2 (and case 9 on a 3-master Redis Cluster): 3 nodes × 8 concurrent binds of one resource, under each conflict policy.</summary>
public sealed class ResourceConflictTests
{
    private const int PerNode = 8;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task KickOld_leaves_exactly_one_owner_and_every_unbind_precedes_the_next_bind(bool onRedisCluster)
    {
        await using var cluster = await ClusterHarness.StartAsync(onRedisCluster, 3, new NodeSettings(Conflict: ResourceConflictPolicy.KickOld));
        var events = await RedisEvents.SubscribeAsync(cluster.Redis);
        for (var round = 0; round < 2; round++)
        {
            var user = $"kick{round}";
            var results = await BindConcurrentlyAsync(cluster, user, "phone");

            // Every bind wins in turn and each winner but the last is replaced: one owner, 23 closed with Replaced. A winner
            // replaced before its own bind call returned sees its session closed (as in one process).
            results.Should().OnlyContain(r => r.Answer == "phone" || r.Answer.StartsWith("ERR SessionClosedException", StringComparison.Ordinal));
            await Eventually.TrueAsync(async () => (await cluster.EntriesAsync(user)).Count == 1, "the replaced sessions left the directory");
            var owner = (await cluster.ResourcesAsync(user)).Should().ContainSingle().Subject;
            owner.Key.Should().Be("phone");
            var open = await cluster.LiveFieldsAsync(user, [.. cluster.Nodes]);
            open.Should().Equal(owner.Value);
            var last = owner.Value.Split('|');
            results.Single(r => r.Node == last[0] && r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) == last[1]).Answer.Should().Be("phone");
            cluster.Nodes.Sum(n => n.Count("closed ")).Should().Be((round + 1) * ((3 * PerNode) - 1));

            // The directory's own order: bind, release, bind, ... never two binds in a row, the last bind the owner's.
            var expected = (2 * 3 * PerNode) - 1;
            try
            {
                await Eventually.MatchAsync(() => Task.FromResult(events.ResourceHistory(user, "phone").Count), n => n >= expected, "every bind and release was published");
            }
            catch (TimeoutException)
            {
                // Fall through to the count assertion, whose message shows what did arrive.
            }

            var history = events.ResourceHistory(user, "phone");
            var statuses = cluster.Nodes.SelectMany(n => n.Events).Where(e => e.StartsWith("status ", StringComparison.Ordinal));
            history.Should().HaveCount(expected, $"one bind per binder and one release per replaced one (history: {string.Join(",", history)}; node status changes: [{string.Join(", ", statuses)}])");
            for (var i = 0; i < history.Count; i++)
            {
                history[i].Kind.Should().Be(i % 2 == 0 ? 'b' : 'u', $"event {i} of {string.Join(",", history)}");
                if (i % 2 == 1)
                {
                    history[i].Holder.Should().Be(history[i - 1].Holder, "a release is the last bind's holder's");
                }
            }

            history[^1].Holder.Should().Be(owner.Value);
        }

        cluster.Nodes.SelectMany(n => n.Events).Where(e => e.StartsWith("closed ", StringComparison.Ordinal)).Should().OnlyContain(e => e.EndsWith(" conflict", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RejectNew_lets_exactly_one_bind_win(bool onRedisCluster)
    {
        await using var cluster = await ClusterHarness.StartAsync(onRedisCluster, 3, new NodeSettings(Conflict: ResourceConflictPolicy.RejectNew));
        var results = await BindConcurrentlyAsync(cluster, "reject", "phone");

        results.Count(r => r.Answer == "phone").Should().Be(1);
        results.Where(r => r.Answer != "phone").Should().OnlyContain(r => r.Answer.Contains("conflict", StringComparison.Ordinal));
        var winner = results.Single(r => r.Answer == "phone");
        (await cluster.ResourcesAsync("reject")).Should().Equal(new Dictionary<string, string> { ["phone"] = $"{winner.Node}|{winner.Id}" });
        cluster.Nodes.Sum(n => n.Count("closed ")).Should().Be(0);
    }

    [Theory]
    [InlineData(ResourceConflictPolicy.Increment, false)]
    [InlineData(ResourceConflictPolicy.Random, false)]
    [InlineData(ResourceConflictPolicy.Increment, true)]
    [InlineData(ResourceConflictPolicy.Random, true)]
    public async Task Renaming_policies_give_every_bind_a_resource_of_its_own(ResourceConflictPolicy policy, bool onRedisCluster)
    {
        await using var cluster = await ClusterHarness.StartAsync(onRedisCluster, 3, new NodeSettings(Conflict: policy));
        var results = await BindConcurrentlyAsync(cluster, "rename", "phone");

        results.Select(r => r.Answer).Should().OnlyHaveUniqueItems().And.HaveCount(3 * PerNode).And.Contain("phone");
        results.Should().OnlyContain(r => !r.Answer.StartsWith("ERR", StringComparison.Ordinal));
        var resources = await cluster.ResourcesAsync("rename");
        resources.Should().HaveCount(3 * PerNode);
        foreach (var result in results)
        {
            resources[result.Answer].Should().Be($"{result.Node}|{result.Id}");
        }
    }

    /// <summary>Connects 8 sessions of the user on each node, then binds all 24 at once.</summary>
    private static async Task<BindResult[]> BindConcurrentlyAsync(ClusterHarness cluster, string user, string resource)
    {
        var sessions = new List<(NodeProcess Node, ulong Id)>();
        foreach (var node in cluster.Nodes)
        {
            for (var i = 0; i < PerNode; i++)
            {
                sessions.Add((node, await node.ConnectAsync(user)));
            }
        }

        var binds = sessions.Select(async s => new BindResult(s.Node.Name, s.Id, await s.Node.RunAsync($"bind {s.Id} {resource}", allowError: true)));
        return await Task.WhenAll(binds);
    }

    private sealed record BindResult(string Node, ulong Id, string Answer);
}
