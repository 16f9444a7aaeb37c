using CsCheck;
using SessionKit.Redis.Tests.Fixtures;

namespace SessionKit.Redis.Tests;

/// <summary>
/// Issue 16, case 10: random operation sequences on 3 nodes against a model. The model is what the nodes say is live;
/// after quiescence the directory must equal it, and no user may ever have exceeded its limit in the recorded history.
/// </summary>
public sealed class RandomOperationTests
{
    private const int Limit = 2;
    private static readonly string[] Users = ["ra", "rb", "rc"];
    private static readonly string[] Resources = ["r0", "r1"];

    [Fact]
    public async Task After_random_concurrent_operations_the_directory_is_the_union_of_live_sessions_and_limits_always_held()
    {
        await using var cluster = await ClusterHarness.StartAsync(3, new NodeSettings(LeaseMs: 2000, Limit: Limit, LimitPolicy: SessionLimitPolicy.EvictOldest));
        var operation = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 9], Gen.Int[0, Users.Length - 1], Gen.Int[0, Resources.Length - 1], Gen.Int[0, 1000]);

        // Three sequences of 12 rounds; each round runs one operation per node at once.
        var rounds = operation.Array[3].Array[12];
        var sequence = 0;
        await rounds.SampleAsync(
            async plan =>
            {
                var prefix = $"s{Interlocked.Increment(ref sequence)}";
                var history = new List<int>();
                foreach (var round in plan)
                {
                    await Task.WhenAll(round.Select((op, n) => RunAsync(cluster[n], op, prefix)));

                    // The recorded history: every user's count in the directory after each round.
                    foreach (var user in Users)
                    {
                        history.Add((await cluster.EntriesAsync(prefix + user)).Count);
                    }
                }

                history.Should().OnlyContain(count => count <= Limit);
                history.Should().Contain(count => count > 0, "the sequence registered sessions");
                foreach (var user in Users.Select(u => prefix + u))
                {
                    await Eventually.TrueAsync(
                        async () => (await cluster.EntriesAsync(user)).Keys.ToHashSet().SetEquals(await cluster.LiveFieldsAsync(user, [.. cluster.Nodes])),
                        $"the directory holds exactly {user}'s live sessions");
                    var entries = await cluster.EntriesAsync(user);
                    foreach (var (resource, holder) in await cluster.ResourcesAsync(user))
                    {
                        entries[holder].Should().EndWith("|" + resource, "a resource's holder is registered with it");
                    }
                }
            },
            iter: 3,
            threads: 1);
    }

    private static async Task RunAsync(NodeProcess node, (int Kind, int Pick, int User, int Resource, int Seed) op, string prefix)
    {
        var user = prefix + Users[op.User];
        var mine = (await node.SessionsAsync()).Where(s => s.User.StartsWith(prefix, StringComparison.Ordinal)).ToArray();
        switch (op.Kind)
        {
            case 0 when mine.Length > 0:
                await node.RunAsync($"close {mine[op.Pick % mine.Length].Id}", allowError: true);
                break;
            case 1 when mine.Length > 0:
                await node.RunAsync($"bind {mine[op.Pick % mine.Length].Id} {Resources[op.Resource]}", allowError: true);
                break;
            default:
                await node.RunAsync($"connect {user}", allowError: true);
                break;
        }
    }
}
