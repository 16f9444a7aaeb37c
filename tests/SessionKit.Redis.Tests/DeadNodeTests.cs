using SessionKit.Redis.Tests.Fixtures;

namespace SessionKit.Redis.Tests;

/// <summary>Issue 16, case 5: kill -9 of a node.</summary>
public sealed class DeadNodeTests
{
    [Fact]
    public async Task A_killed_node_is_swept_with_one_offline_event_and_its_resources_become_bindable()
    {
        await using var cluster = await ClusterHarness.StartAsync(3, new NodeSettings(LeaseMs: 2000));
        var (a, b, c) = (cluster[0], cluster[1], cluster[2]);
        var phone = await b.ConnectAsync("gus");
        await b.ConnectAsync("gus");
        (await b.RunAsync($"bind {phone} phone")).Should().Be("phone");
        var staying = await a.ConnectAsync("hal");
        (await cluster.EntriesAsync("gus")).Should().HaveCount(2);

        b.Signal(Signals.Kill);

        await Eventually.TrueAsync(async () => (await cluster.EntriesAsync("gus")).Count == 0, "B's sessions were swept");
        await Eventually.TrueAsync(async () => !(await cluster.LeasesAsync()).Any(l => l.StartsWith("B|", StringComparison.Ordinal)), "B's lease is gone");
        await Eventually.TrueAsync(() => Task.FromResult(a.Count("offline gus") >= 1 && c.Count("offline gus") >= 1), "the offline event reached A and C");
        (await cluster.ResourcesAsync("gus")).Should().BeEmpty();

        // The resource is free: a new session binds it without kicking anyone.
        var again = await a.ConnectAsync("gus");
        (await a.RunAsync($"bind {again} phone")).Should().Be("phone");
        (await cluster.ResourcesAsync("gus")).Should().Equal(new Dictionary<string, string> { ["phone"] = $"A|{again}" });
        a.Count("closed ").Should().Be(0);

        // One offline event per node for gus's one transition to offline; hal on A never went offline.
        a.Count("offline gus").Should().Be(1);
        c.Count("offline gus").Should().Be(1);
        a.Count("offline hal").Should().Be(0);
        (await cluster.EntriesAsync("hal")).Keys.Should().Equal($"A|{staying}");
    }
}
