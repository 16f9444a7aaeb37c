using SessionKit.Redis.Tests.Fixtures;

namespace SessionKit.Redis.Tests;

/// <summary>Issue 16, case 6: SIGSTOP past the lease, then SIGCONT.</summary>
public sealed class PausedNodeTests
{
    [Fact]
    public async Task A_node_paused_past_its_lease_comes_back_as_a_new_incarnation_without_duplicates_or_kicking_newer_sessions()
    {
        await using var cluster = await ClusterHarness.StartAsync(2, new NodeSettings(LeaseMs: 2000, Limit: 2));
        var (a, b) = (cluster[0], cluster[1]);
        var carol = new[] { await b.ConnectAsync("carol"), await b.ConnectAsync("carol") };
        var dave = await b.ConnectAsync("dave");
        (await b.RunAsync($"bind {dave} phone")).Should().Be("phone");
        var erin = await b.ConnectAsync("erin");
        (await b.RunAsync("info")).Should().StartWith("B 1 ");

        b.Signal(Signals.Stop);
        try
        {
            await Eventually.TrueAsync(async () => (await cluster.EntriesAsync("erin")).Count == 0, "the paused node was swept");

            // Newer sessions take the places the paused node held: carol's two slots and dave's resource.
            var newCarol = new[] { await a.ConnectAsync("carol"), await a.ConnectAsync("carol") };
            var newDave = await a.ConnectAsync("dave");
            (await a.RunAsync($"bind {newDave} phone")).Should().Be("phone");
            (await cluster.EntriesAsync("carol")).Keys.Should().BeEquivalentTo(newCarol.Select(id => $"A|{id}"));
        }
        finally
        {
            b.Signal(Signals.Continue);
        }

        await Eventually.TrueAsync(async () => (await b.RunAsync("info")).EndsWith(" Available", StringComparison.Ordinal) && !(await b.RunAsync("info")).StartsWith("B 1 ", StringComparison.Ordinal), "B rejoined as a new incarnation");
        await Eventually.TrueAsync(async () => (await cluster.EntriesAsync("erin")).Count == 1, "erin's session was re-registered");
        var erinEntry = (await cluster.EntriesAsync("erin")).Should().ContainSingle().Subject;
        erinEntry.Key.Should().Be($"B|{erin}");
        erinEntry.Value.Should().NotStartWith("1|", "it is registered under the new incarnation");

        // The newer sessions kept their places; B closed its own that lost them.
        await Eventually.TrueAsync(() => Task.FromResult(b.Count("closed ") == 3), "B closed the sessions that lost their place");
        b.Events.Should().Contain([$"closed {carol[0]} policy-violation", $"closed {carol[1]} policy-violation", $"closed {dave} conflict"]);
        (await cluster.EntriesAsync("carol")).Keys.Should().OnlyContain(k => k.StartsWith("A|", StringComparison.Ordinal)).And.HaveCount(2);
        (await cluster.ResourcesAsync("dave"))["phone"].Should().StartWith("A|");
        a.Count("closed ").Should().Be(0);
        (await cluster.LeasesAsync()).Count(l => l.StartsWith("B|", StringComparison.Ordinal)).Should().Be(1);
    }
}
