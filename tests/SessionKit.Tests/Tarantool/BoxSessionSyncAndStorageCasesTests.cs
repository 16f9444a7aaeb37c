using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.Tarantool;

/// <summary>
/// Tarantool's own box.session cases 14–25 (spec §5.2: sync and storage) re-expressed for SessionKit. Where SessionKit
/// deliberately differs (design.md), the test asserts the difference and says so. Every case's class and test is in
/// docs/seed-cases.md.
/// </summary>
public sealed class BoxSessionSyncAndStorageCasesTests
{
    private readonly FastUserDirectory _users = new();

    public BoxSessionSyncAndStorageCasesTests() => _users.Add("tester");

    [Fact]
    public async Task Case14_Sync_InsideARequest_IsTheNonZeroSyncTheHostPassedToEnter_AndOnlyThatRequests()
    {
        // Tarantool's sync is the IPROTO packet's; in SessionKit it is the request id the host passes to Enter. The
        // host here numbers its own requests; each request reads the number its host passed (also after an await and
        // from a helper it calls), and the sync is 0 before and after the requests. Concurrent requests: case 15.
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);
        var hostSyncs = new ulong[] { 7, 8 };
        var seen = new List<(ulong Before, ulong AfterAwait)>();
        var outside = sessions.Sync;

        foreach (var sync in hostSyncs)
        {
            using (sessions.Enter(session, sync))
            {
                var before = sessions.Sync;
                await Task.Yield();
                seen.Add((before, ReadSync(sessions)));
            }
        }

        outside.Should().Be(0UL);
        seen.Should().Equal((7UL, 7UL), (8UL, 8UL));
        sessions.Sync.Should().Be(0UL, "the request scopes have ended");

        static ulong ReadSync(SessionManager m) => m.Sync;
    }

    [Fact]
    public async Task Case15_Sync_TwoConcurrentRequests_EachSeesItsOwnAcrossAwaits()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);
        var bothEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = 0;

        async Task<(ulong Before, ulong After)> RequestAsync(ulong sync)
        {
            using (sessions.Enter(session, sync))
            {
                var before = sessions.Sync;
                if (Interlocked.Increment(ref entered) == 2)
                {
                    bothEntered.SetResult();
                }

                await bothEntered.Task;
                return (before, sessions.Sync);
            }
        }

        var results = await Task.WhenAll(Task.Run(() => RequestAsync(4)), Task.Run(() => RequestAsync(5)));

        results.Should().Equal((4UL, 4UL), (5UL, 5UL));
    }

    [Fact]
    public async Task Case16_Sync_ChildTaskOfRequest_KeepsTheRequestsSync()
    {
        // Difference: a Tarantool child fiber sees sync 0; a child task here stays inside its request.
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);

        using (sessions.Enter(session, 12))
        {
            (await Task.Run(() => sessions.Sync)).Should().Be(12UL);
        }
    }

    [Fact]
    public async Task Case17_RequestAfterDisconnect_SyncZeroSendFailsExistsTrueStorageReadable()
    {
        await using var sessions = new SessionManager(directory: _users);
        var connection = new RecordingConnection();
        var session = await sessions.ConnectAsync(new ConnectOptions { Connection = connection });

        using (sessions.Enter(session, 4))
        {
            sessions.Storage.Set("written", "in request");
            await sessions.DisconnectAsync(session);

            sessions.Sync.Should().Be(0UL);
            (await session.SendAsync("push")).Should().BeFalse("push on a closed session fails");
            sessions.Exists(session.Id).Should().BeTrue();
            sessions.Storage.Get("written").Should().Be("in request");
        }

        connection.Sent.Should().BeEmpty();
        sessions.Exists(session.Id).Should().BeFalse();
    }

    [Fact]
    public async Task Case18_Storage_TwoSessions_AreIsolated()
    {
        await using var sessions = new SessionManager(directory: _users);
        var first = await sessions.ConnectAsync(SessionType.Binary);
        var second = await sessions.ConnectAsync(SessionType.Binary);

        using (sessions.Enter(first, 1))
        {
            sessions.Storage.Set("abc", "cde");
            sessions.Storage.Get("abc").Should().Be("cde");
        }

        using (sessions.Enter(second, 1))
        {
            sessions.Storage.Get("abc").Should().BeNull();
            sessions.Storage.Set("abc", "def");
        }

        using (sessions.Enter(first, 2))
        {
            sessions.Storage.Get("abc").Should().Be("cde");
        }
    }

    [Fact]
    public async Task Case19_Storage_IsTheSessionsOwnFoundById()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);

        using (sessions.Enter(session, 1))
        {
            sessions.Storage.Set("abc", "cde");
            sessions.GetSession(sessions.Id).Storage.Should().BeSameAs(sessions.Storage);
            sessions.GetSession(sessions.Id).Storage.Get("abc").Should().Be("cde");
        }
    }

    [Fact]
    public async Task Case20_Storage_AfterBothSessionsClose_NothingIsLeft()
    {
        await using var sessions = new SessionManager(directory: _users);
        var first = await sessions.ConnectAsync(SessionType.Binary);
        var second = await sessions.ConnectAsync(SessionType.Binary);
        first.Storage.Set("abc", "cde");
        second.Storage.Set("abc", "def");

        await sessions.DisconnectAsync(first);
        await sessions.DisconnectAsync(second);
        var third = await sessions.ConnectAsync(SessionType.Binary);

        sessions.GetSessions().Should().Equal(third);
        sessions.GetSessions().Sum(s => s.Storage.Count).Should().Be(0);
        first.Storage.Count.Should().Be(0);
        second.Storage.Count.Should().Be(0);
    }

    [Fact]
    public async Task Case21_Storage_OfABackgroundTypedSession_IsGoneAfterItEnds()
    {
        // Background work has no storage of its own here (Storage throws outside a session); a host that needs one
        // creates a Background-typed session, whose storage lives exactly as long as it does.
        await using var sessions = new SessionManager(directory: _users);
        var job = await sessions.ConnectAsync(SessionType.Background);

        using (sessions.Enter(job))
        {
            sessions.Storage.Set("progress", 50);
            sessions.Storage.Get("progress").Should().Be(50);
        }

        await sessions.DisconnectAsync(job);

        sessions.Exists(job.Id).Should().BeFalse();
        job.Storage.Get("progress").Should().BeNull();
    }

    [Fact]
    public async Task Case22_Storage_ChildTaskOfRequest_SeesTheParentsStorage()
    {
        // Difference: a Tarantool child fiber has its own empty storage; a child task here shares its session's.
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);

        using (sessions.Enter(session, 1))
        {
            sessions.Storage.Set("parent", "value");
            (await Task.Run(() => sessions.Storage.Get("parent"))).Should().Be("value");
        }
    }

    [Fact]
    public async Task Case23_Storage_ValueStoredInOnConnect_IsVisibleToLaterRequests()
    {
        await using var sessions = new SessionManager(directory: _users);
        sessions.OnConnect.Add(c =>
        {
            sessions.Storage.Set("greeted", c.Session.Id);
            return ValueTask.CompletedTask;
        });
        var session = await sessions.ConnectAsync(SessionType.Binary);

        using (sessions.Enter(session, 1))
        {
            sessions.Storage.Get("greeted").Should().Be(session.Id);
        }
    }

    [Fact]
    public void Case24_Storage_IsReadOnlySoNoTwoSessionsCanShareIt()
    {
        // Difference: assigning box.session.storage shares one table between all sessions; here it cannot be assigned.
        typeof(SessionManager).GetProperty(nameof(SessionManager.Storage))!.CanWrite.Should().BeFalse();
        typeof(Session).GetProperty(nameof(Session.Storage))!.CanWrite.Should().BeFalse();
    }

    [Fact]
    public async Task Case25_Storage_UnknownKey_ReadsAsNull()
    {
        // An unknown *member* of box.session is a compile error in C#; the nearest runtime case is an unknown key.
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);

        session.Storage.Get("unknown_field").Should().BeNull();
        session.Storage.TryGet<object>("unknown_field", out _).Should().BeFalse();
    }
}
