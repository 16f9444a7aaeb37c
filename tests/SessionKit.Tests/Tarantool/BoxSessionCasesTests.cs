using System.Net;
using System.Net.Sockets;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.Tarantool;

/// <summary>
/// Tarantool's own box.session cases (spec §5.2, cases 1–25: identity, sync, storage) re-expressed for SessionKit.
/// Cases 26–42 (su/users) are in SessionManagerSuTests, marked "spec §5.2 case N". Where SessionKit deliberately
/// differs (design.md), the test asserts the difference and says so.
/// Skipped: case 2 (Exists(1, 2, 3): arity is checked by the C# compiler), case 9 (fd(): SessionKit owns no sockets),
/// the fd part of case 13 (same reason). Settings (2.11), box.cfg (26) and privileges (41, 42) are noted where they fall.
/// </summary>
public sealed class BoxSessionCasesTests
{
    private readonly FastUserDirectory _users = new();

    public BoxSessionCasesTests() => _users.Add("tester");

    [Fact]
    public async Task Case01_Exists_InsideSession_TrueForOwnIdFalseForUnknownAndZero()
    {
        await using var sessions = new SessionManager(users: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);

        using (sessions.Enter(session, 1))
        {
            sessions.Exists(sessions.Id).Should().BeTrue();
            sessions.Exists().Should().BeTrue();
            sessions.Exists(1234567890).Should().BeFalse();
            sessions.Exists(0).Should().BeFalse();
        }
    }

    [Fact]
    public async Task Case03_Id_InsideSessionAndItsChildTask_IsTheSessionsNonZeroId()
    {
        // Difference: a Tarantool child fiber gets a new on-demand session; a child task here keeps the request's.
        await using var sessions = new SessionManager(users: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);

        using (sessions.Enter(session, 1))
        {
            sessions.Id.Should().BeGreaterThan(0UL);
            (await Task.Run(() => sessions.Id)).Should().Be(session.Id);
        }
    }

    [Fact]
    public async Task Case04_Ambient_OutsideSessions_IsBackgroundAdminWithIdZero()
    {
        // Difference: the script context is id 1 in Tarantool (an on-demand session); here it is no session, id 0.
        await using var sessions = new SessionManager(users: _users);

        sessions.Id.Should().Be(0UL);
        sessions.Type.Should().Be(SessionType.Background);
        sessions.User.Should().Be("admin");
        sessions.Uid.Should().Be(1UL);
        sessions.Euid.Should().Be(1UL);
        sessions.Sync.Should().Be(0UL);
    }

    [Fact]
    public async Task Case05_BackgroundTasks_GetNoSessionAndConsumeNoIds()
    {
        // Difference: Tarantool gives each background fiber a new id; here background work has none.
        await using var sessions = new SessionManager(users: _users);

        var seen = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => (sessions.Id, sessions.Type, sessions.User))));
        var next = await sessions.ConnectAsync(SessionType.Binary);

        seen.Should().OnlyContain(s => s.Id == 0 && s.Type == SessionType.Background && s.User == "admin");
        next.Id.Should().Be(1UL, "no id was spent on background work");
    }

    [Fact]
    public async Task Case06_SequentialConnections_IdsRiseAndAreNeverReused()
    {
        await using var sessions = new SessionManager(users: _users);
        var ids = new List<ulong>();

        for (var i = 0; i < 3; i++)
        {
            var session = await sessions.ConnectAsync(SessionType.Binary);
            ids.Add(session.Id);
            await sessions.DisconnectAsync(session);
        }

        ids.Should().Equal(1UL, 2UL, 3UL);
    }

    [Fact]
    public async Task Case07_Peer_WithoutNetworkPeer_IsNullAndEqualsPeerOfId()
    {
        await using var sessions = new SessionManager(users: _users);
        var session = await sessions.ConnectAsync(SessionType.Background);

        sessions.Peer().Should().BeNull("outside any session");
        using (sessions.Enter(session, 1))
        {
            sessions.Peer().Should().BeNull();
            sessions.Peer(sessions.Id).Should().Be(sessions.Peer());
        }
    }

    [Fact]
    public async Task Case08_PeerOfUnknownId_ThrowsSessionDoesNotExist()
    {
        // Peer(1, 2) ("bad arguments") cannot be written in C#.
        await using var sessions = new SessionManager(users: _users);

        var act = () => sessions.Peer(99999);

        act.Should().Throw<SessionNotFoundException>().WithMessage("session.peer(): session does not exist");
    }

    [Fact]
    public async Task Case10_RemoteClient_ExistsAndPeerEqualsPeerOfId()
    {
        await using var sessions = new SessionManager(users: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary, new IPEndPoint(IPAddress.Loopback, 35240));

        using (sessions.Enter(session, 1))
        {
            sessions.Exists(sessions.Id).Should().BeTrue();
            sessions.Peer().Should().Be("127.0.0.1:35240");
            sessions.Peer().Should().Be(sessions.Peer(sessions.Id));
        }
    }

    [Fact]
    public async Task Case11_Type_BinaryConnection_IsBinary()
    {
        await using var sessions = new SessionManager(users: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);

        using (sessions.Enter(session, 1))
        {
            sessions.Type.Name.Should().Be("binary");
        }
    }

    [Fact]
    public async Task Case12_ConsoleClient_TypeConsoleUserAdminSyncZeroPeerSet()
    {
        await using var sessions = new SessionManager(users: _users);
        var session = await sessions.ConnectAsync(new ConnectOptions
        {
            Type = SessionType.Console,
            User = "admin",
            Peer = new UnixDomainSocketEndPoint("/tmp/console.sock"),
        });

        using (sessions.Enter(session))
        {
            sessions.Type.Should().Be(SessionType.Console);
            sessions.User.Should().Be("admin");
            sessions.Sync.Should().Be(0UL);
            sessions.Peer().Should().Be("unix/:/tmp/console.sock");
        }
    }

    [Fact]
    public async Task Case13_ReplSession_TypeReplAndPeerNull()
    {
        // 2.10+ behaviour: peer() of repl is nil, never a getpeername() error.
        await using var sessions = new SessionManager(users: _users);
        var session = await sessions.ConnectAsync(SessionType.Repl);

        using (sessions.Enter(session))
        {
            sessions.Type.Name.Should().Be("repl");
            sessions.Peer().Should().BeNull();
        }
    }

    [Fact]
    public async Task Case14_Sync_InsideRequest_IsNonZero()
    {
        await using var sessions = new SessionManager(users: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);

        using (sessions.Enter(session, 4))
        {
            sessions.Sync.Should().Be(4UL);
        }
    }

    [Fact]
    public async Task Case15_Sync_TwoConcurrentRequests_EachSeesItsOwnAcrossAwaits()
    {
        await using var sessions = new SessionManager(users: _users);
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
        await using var sessions = new SessionManager(users: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);

        using (sessions.Enter(session, 12))
        {
            (await Task.Run(() => sessions.Sync)).Should().Be(12UL);
        }
    }

    [Fact]
    public async Task Case17_RequestAfterDisconnect_SyncZeroSendFailsExistsTrueStorageReadable()
    {
        await using var sessions = new SessionManager(users: _users);
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
        await using var sessions = new SessionManager(users: _users);
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
        await using var sessions = new SessionManager(users: _users);
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
        await using var sessions = new SessionManager(users: _users);
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
        await using var sessions = new SessionManager(users: _users);
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
        await using var sessions = new SessionManager(users: _users);
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
        await using var sessions = new SessionManager(users: _users);
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
        await using var sessions = new SessionManager(users: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);

        session.Storage.Get("unknown_field").Should().BeNull();
        session.Storage.TryGet<object>("unknown_field", out _).Should().BeFalse();
    }
}
