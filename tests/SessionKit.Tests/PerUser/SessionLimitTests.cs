using System.Collections.Concurrent;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.PerUser;

public sealed class SessionLimitTests
{
    private static (SessionManager Manager, FastUserDirectory Users) Create(SessionLimitPolicy policy, int limit = 2)
    {
        var users = new FastUserDirectory();
        users.Add("alice");
        users.Add("bob");
        var options = new SessionManagerOptions
        {
            MaxSessionsPerUser = u => u.Name == "alice" ? limit : 10,
            SessionLimitPolicy = policy,
        };
        return (new SessionManager(options, users), users);
    }

    [Fact]
    public async Task RejectNew_ThirdSessionIsRefused_AndKeepsItsPreviousUser()
    {
        var (manager, _) = Create(SessionLimitPolicy.RejectNew);
        await using var _m = manager;
        var s1 = await manager.ConnectAsync(SessionType.Binary);
        var s2 = await manager.ConnectAsync(SessionType.Binary);
        var s3 = await manager.ConnectAsync(SessionType.Binary);
        await manager.AuthenticateAsync(s1, "alice", "secret");
        await manager.AuthenticateAsync(s2, "alice", "secret");

        var act = () => manager.AuthenticateAsync(s3, "alice", "secret").AsTask();
        var error = (await act.Should().ThrowAsync<SessionLimitExceededException>()).Which;
        error.Limit.Should().Be(2);
        error.UserName.Should().Be("alice");
        s3.User.Name.Should().Be("guest");
        s3.State.Should().Be(SessionState.Open);
        manager.Users.SessionsOf("alice").Should().Equal(s1, s2);

        await manager.DisconnectAsync(s1);
        await manager.AuthenticateAsync(s3, "alice", "secret");
        manager.Users.SessionsOf("alice").Should().Equal(s2, s3);
    }

    [Fact]
    public async Task RejectNew_AppliesToPreAuthenticatedConnects_WithoutRegisteringTheSession()
    {
        var (manager, _) = Create(SessionLimitPolicy.RejectNew, limit: 1);
        await using var _m = manager;
        await manager.ConnectAsync(new ConnectOptions { User = "alice" });
        var act = () => manager.ConnectAsync(new ConnectOptions { User = "alice" }).AsTask();
        await act.Should().ThrowAsync<SessionLimitExceededException>();
        manager.Count.Should().Be(1);
    }

    [Fact] // xmpp-sessions.md §3 case 58
    public async Task EvictOldest_ThirdSessionReplacesTheOldest_AndTheEventReportsIt()
    {
        var (manager, _) = Create(SessionLimitPolicy.EvictOldest);
        await using var _m = manager;
        var evictions = new ConcurrentQueue<(ulong Evicted, ulong Newcomer)>();
        manager.Users.OnSessionEvicted.Add(c => { evictions.Enqueue((c.Evicted.Id, c.Newcomer.Id)); return default; });
        var connection = new RecordingConnection();
        var s1 = await manager.ConnectAsync(new ConnectOptions { Connection = connection });
        var s2 = await manager.ConnectAsync(SessionType.Binary);
        var s3 = await manager.ConnectAsync(SessionType.Binary);
        await manager.AuthenticateAsync(s1, "alice", "secret");
        await manager.AuthenticateAsync(s2, "alice", "secret");

        await manager.AuthenticateAsync(s3, "alice", "secret");

        s1.State.Should().Be(SessionState.Destroyed);
        connection.Closes.Should().Equal(SessionCloseReason.SessionLimitReached);
        manager.Users.SessionsOf("alice").Should().Equal(s2, s3);
        evictions.Should().Equal((s1.Id, s3.Id));
    }

    [Fact]
    public async Task Limit_IsPerUser()
    {
        var (manager, _) = Create(SessionLimitPolicy.RejectNew, limit: 1);
        await using var _m = manager;
        for (var i = 0; i < 5; i++)
        {
            var session = await manager.ConnectAsync(SessionType.Binary);
            await manager.AuthenticateAsync(session, "bob", "secret");
        }

        manager.Users.SessionsOf("bob").Should().HaveCount(5);
    }

    [Fact]
    public async Task ConcurrentAuthentications_NeverExceedTheLimit_UnderRejectNew()
    {
        var (manager, _) = Create(SessionLimitPolicy.RejectNew, limit: 3);
        await using var _m = manager;
        var sessions = new List<Session>();
        for (var i = 0; i < 20; i++)
        {
            sessions.Add(await manager.ConnectAsync(SessionType.Binary));
        }

        var accepted = 0;
        var rejected = 0;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = sessions.Select(s => Task.Run(async () =>
        {
            await gate.Task;
            try
            {
                await manager.AuthenticateAsync(s, "alice", "secret");
                Interlocked.Increment(ref accepted);
            }
            catch (SessionLimitExceededException)
            {
                Interlocked.Increment(ref rejected);
            }
        })).ToArray();
        gate.SetResult();
        await Task.WhenAll(running);

        accepted.Should().Be(3);
        rejected.Should().Be(17);
        manager.Users.SessionsOf("alice").Should().HaveCount(3);
    }
}
