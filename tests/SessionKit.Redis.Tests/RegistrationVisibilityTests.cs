using SessionKit.Redis.Tests.Fixtures;

namespace SessionKit.Redis.Tests;

/// <summary>Issue 16, case 1: a session registered on one node is visible from the others as soon as the call returns.</summary>
public sealed class RegistrationVisibilityTests
{
    [Fact]
    public async Task A_session_registered_on_A_is_seen_by_B_and_C_when_the_register_call_returns()
    {
        await using var cluster = await ClusterHarness.StartAsync(3, new NodeSettings());
        var (a, b, c) = (cluster[0], cluster[1], cluster[2]);

        foreach (var user in new[] { "alice", "bob", "with{brace}%25|bar" })
        {
            var id = await a.ConnectAsync(user);

            // No wait in between: the admission script ran before the connect returned.
            (await b.RunAsync($"online {user}")).Should().Be("True");
            (await c.RunAsync($"online {user}")).Should().Be("True");
            (await cluster.EntriesAsync(user)).Keys.Should().Equal($"A|{id}");
        }

        (await b.RunAsync("online nobody")).Should().Be("False");
        var closing = await a.ConnectAsync("carol");
        await a.RunAsync($"close {closing}");
        await Eventually.TrueAsync(async () => (await c.RunAsync("online carol")) == "False", "carol's close reached the directory");
    }
}
