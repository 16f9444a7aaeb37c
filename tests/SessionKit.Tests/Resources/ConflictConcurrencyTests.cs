using System.Collections.Concurrent;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.Resources;

/// <summary>Many sessions of one user bind the same resource at once, under each policy.</summary>
public sealed class ConflictConcurrencyTests
{
    private const int Binders = 24;

    [Theory]
    [InlineData(ResourceConflictPolicy.KickOld)]
    [InlineData(ResourceConflictPolicy.RejectNew)]
    [InlineData(ResourceConflictPolicy.Increment)]
    [InlineData(ResourceConflictPolicy.Random)]
    public async Task ConcurrentBinds_ExactlyOneOwner_EveryOtherOutcomeAsThePolicySays(ResourceConflictPolicy policy)
    {
        var users = new FastUserDirectory();
        users.Add("alice");
        await using var manager = new SessionManager(new SessionOptions { ResourceConflictPolicy = policy }, users);
        var sessions = new List<Session>();
        for (var i = 0; i < Binders; i++)
        {
            var session = await manager.ConnectAsync(new ConnectOptions { Connection = new RecordingConnection() });
            await manager.AuthenticateAsync(session, "alice", "secret");
            sessions.Add(session);
        }

        var outcomes = new ConcurrentDictionary<Session, string>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = sessions.Select(session => Task.Run(async () =>
        {
            await gate.Task;
            try
            {
                outcomes[session] = "bound " + await manager.BindResourceAsync(session, "home");
            }
            catch (ResourceBindException ex)
            {
                outcomes[session] = "rejected " + ex.Condition;
            }
            catch (SessionClosedException)
            {
                outcomes[session] = "closed";
            }
        })).ToArray();
        gate.SetResult();
        await Task.WhenAll(tasks);

        var owner = manager.FindResource("alice", "home");
        owner.Should().NotBeNull();
        owner!.State.Should().Be(SessionState.Open);
        owner.Resource.Should().Be("home");
        var resources = manager.ResourcesOf("alice");
        resources.Should().OnlyHaveUniqueItems(r => r.Key);
        resources.Should().OnlyContain(r => r.Value.State == SessionState.Open && r.Value.Resource == r.Key, "no index entry is left behind");

        switch (policy)
        {
            case ResourceConflictPolicy.KickOld:
                // Every binder but the owner ended closed: replaced after binding, or closed while binding.
                sessions.Where(s => s != owner).Should().OnlyContain(s => s.State == SessionState.Destroyed);
                resources.Should().ContainSingle();
                manager.SessionsOf("alice").Should().Equal(owner);
                break;
            case ResourceConflictPolicy.RejectNew:
                outcomes.Values.Count(o => o == "bound home").Should().Be(1);
                outcomes.Values.Count(o => o == "rejected conflict").Should().Be(Binders - 1);
                sessions.Should().OnlyContain(s => s.State == SessionState.Open);
                resources.Should().ContainSingle();
                break;
            case ResourceConflictPolicy.Increment:
            case ResourceConflictPolicy.Random:
                outcomes.Values.Should().OnlyContain(o => o.StartsWith("bound ", StringComparison.Ordinal));
                outcomes.Values.Count(o => o == "bound home").Should().Be(1);
                resources.Should().HaveCount(Binders);
                sessions.Select(s => s.Resource).Should().OnlyHaveUniqueItems();
                break;
        }
    }
}
