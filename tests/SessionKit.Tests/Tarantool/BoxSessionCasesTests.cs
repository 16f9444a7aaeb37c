using System.Net;
using System.Net.Sockets;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.Tarantool;

/// <summary>
/// Tarantool's own box.session cases (spec §5.2, cases 1–13: identity) re-expressed for SessionKit; cases 14–25 (sync,
/// storage) are in <see cref="BoxSessionSyncAndStorageCasesTests"/>. Where SessionKit deliberately differs
/// (design.md), the test asserts the difference and says so. Every case's class and test is in docs/seed-cases.md.
/// Not applicable: case 2 (Exists(1, 2, 3): arity is checked by the C# compiler), case 9 and the fd part of case 13
/// (fd(): SessionKit owns no sockets).
/// </summary>
public sealed class BoxSessionCasesTests
{
    private readonly FastUserDirectory _users = new();

    public BoxSessionCasesTests() => _users.Add("tester");

    [Fact]
    public async Task Case01_Exists_InsideSession_TrueForOwnIdFalseForUnknownAndZero()
    {
        await using var sessions = new SessionManager(directory: _users);
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
        await using var sessions = new SessionManager(directory: _users);
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
        await using var sessions = new SessionManager(directory: _users);

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
        await using var sessions = new SessionManager(directory: _users);

        var seen = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => (sessions.Id, sessions.Type, sessions.User))));
        var next = await sessions.ConnectAsync(SessionType.Binary);

        seen.Should().OnlyContain(s => s.Id == 0 && s.Type == SessionType.Background && s.User == "admin");
        next.Id.Should().Be(1UL, "no id was spent on background work");
    }

    [Fact]
    public async Task Case06_SequentialConnections_IdsRiseAndAreNeverReused()
    {
        await using var sessions = new SessionManager(directory: _users);
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
        await using var sessions = new SessionManager(directory: _users);
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
        await using var sessions = new SessionManager(directory: _users);

        var act = () => sessions.Peer(99999);

        act.Should().Throw<SessionNotFoundException>().WithMessage("session.peer(): session does not exist");
    }

    [Fact]
    public async Task Case10_RemoteClient_ExistsAndPeerEqualsPeerOfId()
    {
        await using var sessions = new SessionManager(directory: _users);
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
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);

        using (sessions.Enter(session, 1))
        {
            sessions.Type.Name.Should().Be("binary");
        }
    }

    [Fact]
    public async Task Case12_ConsoleClient_TypeConsoleUserAdminSyncZeroPeerSet()
    {
        await using var sessions = new SessionManager(directory: _users);
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
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Repl);

        using (sessions.Enter(session))
        {
            sessions.Type.Name.Should().Be("repl");
            sessions.Peer().Should().BeNull();
        }
    }
}
