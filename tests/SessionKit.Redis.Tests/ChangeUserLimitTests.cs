using SessionKit.Redis.Tests.Fixtures;

namespace SessionKit.Redis.Tests;

/// <summary>
/// Issue 16, the per-user limit across nodes for <c>ChangeUser</c>, which is synchronous and cannot wait for the
/// directory: the directory is asked right after, with the user's limit, and never holds more than it.
/// </summary>
public sealed class ChangeUserLimitTests
{
    private const int Limit = 2;

    [Fact]
    public async Task RejectNew_closes_a_session_that_changed_to_a_user_at_its_limit_on_other_nodes()
    {
        await using var cluster = await ClusterHarness.StartAsync(2, new NodeSettings(Limit: Limit, LimitPolicy: SessionLimitPolicy.RejectNew));
        var first = await cluster[0].ConnectAsync("frank");
        var second = await cluster[0].ConnectAsync("frank");
        var changer = await cluster[1].ConnectAsync("gina");

        (await cluster[1].RunAsync($"changeuser {changer} frank")).Should().Be("frank");

        await Eventually.TrueAsync(() => Task.FromResult(cluster[1].Events.Contains($"closed {changer} policy-violation")), "the session over the limit was closed by its node");
        (await cluster.EntriesAsync("frank")).Keys.Should().BeEquivalentTo($"{cluster[0].Name}|{first}", $"{cluster[0].Name}|{second}");
        await Eventually.TrueAsync(async () => (await cluster.EntriesAsync("gina")).Count == 0, "the session left gina when it changed user");
        cluster[0].Count("closed ").Should().Be(0, "the sessions that were there first keep their places");
    }

    [Fact]
    public async Task EvictOldest_closes_the_oldest_session_of_the_user_on_another_node()
    {
        await using var cluster = await ClusterHarness.StartAsync(2, new NodeSettings(Limit: Limit, LimitPolicy: SessionLimitPolicy.EvictOldest));
        var oldest = await cluster[0].ConnectAsync("hana");
        var newer = await cluster[0].ConnectAsync("hana");
        var changer = await cluster[1].ConnectAsync("ivan");

        (await cluster[1].RunAsync($"changeuser {changer} hana")).Should().Be("hana");

        await Eventually.TrueAsync(() => Task.FromResult(cluster[0].Events.Contains($"closed {oldest} policy-violation")), "the oldest session was evicted by its node");
        await Eventually.TrueAsync(async () => (await cluster.EntriesAsync("hana")).Count == Limit, "the directory holds the limit");
        (await cluster.EntriesAsync("hana")).Keys.Should().BeEquivalentTo($"{cluster[0].Name}|{newer}", $"{cluster[1].Name}|{changer}");
        cluster[1].Count("closed ").Should().Be(0, "the session that changed user keeps its place");
    }
}
