using SessionKit.Redis.Tests.Fixtures;

namespace SessionKit.Redis.Tests;

/// <summary>Issue 16, case 4: a send from A reaches the user's sessions on B and C, with the exact count.</summary>
public sealed class ClusterSendTests
{
    [Fact]
    public async Task Sends_from_A_reach_every_node_with_exact_counts()
    {
        await using var cluster = await ClusterHarness.StartAsync(3, new NodeSettings());
        var (a, b, c) = (cluster[0], cluster[1], cluster[2]);
        var onB1 = await b.ConnectAsync("fay");
        var onB2 = await b.ConnectAsync("fay");
        var onC = await c.ConnectAsync("fay");

        (await a.RunAsync("send all fay hello")).Should().Be("3");
        await Eventually.TrueAsync(() => Task.FromResult(b.Count("received ") == 2 && c.Count("received ") == 1), "the messages arrived");
        b.Events.Should().Contain([$"received {onB1} hello", $"received {onB2} hello"]);
        c.Events.Should().Contain($"received {onC} hello");

        // Presence: priority, available, interested. The cluster-wide top available priority is 5 (one on B, one on C).
        await b.RunAsync($"presence {onB1} 5 1 0");
        await b.RunAsync($"presence {onB2} 1 1 1");
        await c.RunAsync($"presence {onC} 5 1 1");
        var onA = await a.ConnectAsync("fay");
        await a.RunAsync($"presence {onA} -1 1 0");
        (await a.RunAsync("send available fay top")).Should().Be("2");
        (await a.RunAsync("send interested fay roster")).Should().Be("2");
        (await b.RunAsync("send all fay all")).Should().Be("4");
        await Eventually.TrueAsync(() => Task.FromResult(b.Count("received ") == 2 + 1 + 1 + 2), "B's sessions got theirs");
        b.Events.Should().Contain([$"received {onB1} top", $"received {onB2} roster"]).And.NotContain($"received {onB2} top");

        (await a.RunAsync("send all nobody hi")).Should().Be("0");
    }

    [Fact]
    public async Task Kicks_from_A_close_sessions_on_other_nodes_with_exact_counts()
    {
        await using var cluster = await ClusterHarness.StartAsync(3, new NodeSettings());
        var (a, b, c) = (cluster[0], cluster[1], cluster[2]);
        var one = await b.ConnectAsync("gil");
        await b.ConnectAsync("gil");
        await c.ConnectAsync("gil");
        var kept = await c.ConnectAsync("hank");

        (await a.RunAsync($"kick B {one}")).Should().Be("True");
        (await a.RunAsync($"kick B {one}")).Should().Be("False", "it is closed already");
        (await a.RunAsync("kickuser gil")).Should().Be("2");
        await Eventually.TrueAsync(async () => (await cluster.EntriesAsync("gil")).Count == 0, "gil's sessions left the directory");
        b.Events.Should().Contain($"closed {one} policy-violation");
        (await cluster.EntriesAsync("hank")).Keys.Should().Equal($"C|{kept}");
    }
}
