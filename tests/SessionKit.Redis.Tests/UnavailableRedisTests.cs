using SessionKit.Redis.Tests.Fixtures;

namespace SessionKit.Redis.Tests;

/// <summary>Redis unreachable: fail closed or decide locally, as configured, and the status says so.</summary>
public sealed class UnavailableRedisTests
{
    [Fact]
    public async Task FailClosed_refuses_admissions_and_LocalOnly_admits_then_registers_when_Redis_is_back()
    {
        await using var cluster = await ClusterHarness.StartAsync(0, new NodeSettings());
        var closed = await cluster.AddNodeAsync("A", new NodeSettings(LeaseMs: 2000, WhenUnavailable: DirectoryUnavailableBehavior.FailClosed));
        var local = await cluster.AddNodeAsync("B", new NodeSettings(LeaseMs: 2000, WhenUnavailable: DirectoryUnavailableBehavior.LocalOnly, Limit: 1));
        await closed.ConnectAsync("kim");

        cluster.Server.Crash();
        foreach (var node in new[] { closed, local })
        {
            await Eventually.TrueAsync(async () => (await node.RunAsync("info")).EndsWith(" Unavailable", StringComparison.Ordinal), $"{node.Name} reports Redis unavailable");
        }

        (await closed.RunAsync("connect kim", allowError: true)).Should().StartWith("ERR SessionDirectoryUnavailableException");
        var admitted = await local.ConnectAsync("lou");

        // Locally only: this node's own limit (1) still holds.
        (await local.RunAsync("connect lou", allowError: true)).Should().StartWith("ERR SessionLimitExceededException");

        await cluster.Server.StartAgainAsync();
        await Eventually.TrueAsync(async () => (await cluster.EntriesAsync("lou")).Keys.SequenceEqual([$"B|{admitted}"]), "the locally admitted session is registered once Redis is back");
        await Eventually.TrueAsync(async () => (await cluster.EntriesAsync("kim")).Count == 1, "the fail-closed node re-registered its earlier session");
        await Eventually.TrueAsync(async () => (await closed.RunAsync("info")).EndsWith(" Available", StringComparison.Ordinal), "A is available again");
    }
}
