using System.Collections.Concurrent;
using System.Net.Sockets;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.Tarantool;

/// <summary>
/// Spec §5.2 trigger-execution, push and <c>new</c> cases (55, 56, 67, 69, 76, 80) on SessionKit alone. Cases 55 and 74
/// also run against the real Tarantool (SessionKit.Conformance.Tests); every case's class and test is in
/// docs/seed-cases.md.
/// </summary>
public sealed class BoxSessionTriggerCasesTests
{
    private readonly FastUserDirectory _users = new();

    public BoxSessionTriggerCasesTests() => _users.Add("tester");

    [Fact]
    public async Task Case55_OnConnectIncrements_OnDisconnectDecrements_TwoSessionsOpenAtOnce_Count1Then2Then0()
    {
        await using var sessions = new SessionManager(directory: _users);
        var counter = 0;
        var values = new ConcurrentQueue<int>();
        sessions.OnConnect.Add(_ =>
        {
            values.Enqueue(Interlocked.Increment(ref counter));
            return default;
        });
        sessions.OnDisconnect.Add(_ =>
        {
            values.Enqueue(Interlocked.Decrement(ref counter));
            return default;
        });

        var first = await sessions.ConnectAsync(SessionType.Binary);
        var second = await sessions.ConnectAsync(SessionType.Binary);
        var openTogether = sessions.GetSessions();
        await sessions.DisconnectAsync(first);
        await sessions.DisconnectAsync(second);

        openTogether.Should().Equal(first, second);
        values.Should().Equal(1, 2, 1, 0);
        sessions.Count.Should().Be(0);
    }

    [Fact]
    public async Task Case56_OnConnectRecordsTheId_OnDisconnectRemovesIt_ARequestFindsItsOwnId()
    {
        // Tarantool's space becomes a host-owned table keyed by session id.
        await using var sessions = new SessionManager(directory: _users);
        var audit = new ConcurrentDictionary<ulong, string>();
        sessions.OnConnect.Add(_ =>
        {
            audit[sessions.Id] = sessions.Type.Name;
            return default;
        });
        sessions.OnDisconnect.Add(ctx =>
        {
            audit.TryRemove(sessions.Id, out _);
            return default;
        });
        var first = await sessions.ConnectAsync(SessionType.Binary);
        var second = await sessions.ConnectAsync(SessionType.Console);

        bool Sees(Session session, ulong sync)
        {
            using (sessions.Enter(session, sync))
            {
                return audit.TryGetValue(sessions.Id, out var type) && type == session.Type.Name;
            }
        }

        (Sees(first, 1), Sees(second, 1)).Should().Be((true, true));
        audit.Keys.Should().BeEquivalentTo([first.Id, second.Id]);
        await sessions.DisconnectAsync(first);
        audit.Keys.Should().Equal(second.Id);
        await sessions.DisconnectAsync(second);
        audit.Should().BeEmpty();
    }

    [Fact]
    public async Task Case67_ConsoleSession_OnConnectAndOnDisconnectRunAsAdmin_WithTheUnixPeer_NoOnAuth()
    {
        // Difference: Tarantool's console runs on_auth('admin', true) between them; a SessionKit host connects a
        // console as a pre-authenticated admin session (3.x new{user = 'admin'}), which runs no on_auth.
        await using var sessions = new SessionManager(directory: _users);
        var seen = new ConcurrentQueue<string>();
        sessions.OnConnect.Add(_ => Record("on_connect"));
        sessions.OnAuth.Add(_ => Record("on_auth"));
        sessions.OnDisconnect.Add(_ => Record("on_disconnect"));

        var console = await sessions.ConnectAsync(new ConnectOptions
        {
            Type = SessionType.Console,
            User = "admin",
            Peer = new UnixDomainSocketEndPoint("/tmp/seed67.sock"),
        });
        await sessions.DisconnectAsync(console);

        seen.Should().Equal(
            "on_connect console admin/admin unix/:/tmp/seed67.sock",
            "on_disconnect console admin/admin unix/:/tmp/seed67.sock");

        ValueTask Record(string list)
        {
            seen.Enqueue($"{list} {sessions.Type} {sessions.User}/{sessions.EffectiveUser} {sessions.Peer()}");
            return default;
        }
    }

    [Fact]
    public async Task Case69_OnDisconnectThatAwaits_SeesTheSameNonZeroIdBeforeAndAfter_AndTheSessionStillExists()
    {
        await using var sessions = new SessionManager(directory: _users);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        (ulong Before, ulong After, bool Exists)? seen = null;
        sessions.OnDisconnect.Add(async _ =>
        {
            var before = sessions.Id;
            waiting.SetResult();
            await gate.Task;
            seen = (before, sessions.Id, sessions.Exists(sessions.Id));
        });
        var session = await sessions.ConnectAsync(SessionType.Binary);

        var disconnect = sessions.DisconnectAsync(session).AsTask();
        await waiting.Task;
        sessions.Exists(session.Id).Should().BeTrue("the session is not destroyed under a running on_disconnect");
        gate.SetResult();
        await disconnect;

        seen.Should().Be((session.Id, session.Id, true));
        session.Id.Should().NotBe(0UL);
        sessions.Exists(session.Id).Should().BeFalse();
    }

    [Fact]
    public async Task Case76_ASessionWithoutAConnection_SendAsyncReturnsFalse_EveryTime_AndStaysOpen()
    {
        // push() from a background fiber fails with "does not support push()"; a SessionKit session without a
        // connection (a background job, a test) answers false at once, without throwing and without closing. The
        // argument errors (push(), push(1, 'a')) are compile errors in C#; a null message is ArgumentNullException.
        await using var sessions = new SessionManager(directory: _users);
        var job = await sessions.ConnectAsync(SessionType.Background);
        var connected = await sessions.ConnectAsync(new ConnectOptions { Connection = new RecordingConnection() });

        var results = new List<bool>();
        for (var i = 0; i < 3; i++)
        {
            var send = job.SendAsync(100);
            send.IsCompleted.Should().BeTrue("nothing is awaited without a connection");
            results.Add(await send);
        }

        results.Should().Equal(false, false, false);
        job.Connection.Should().BeNull();
        job.State.Should().Be(SessionState.Open);
        (await connected.SendAsync(100)).Should().BeTrue("the same call with a connection delivers");
        FluentActions.Invoking(() => job.SendAsync(null!)).Should().Throw<ArgumentNullException>().WithParameterName("message");
    }

    [Fact]
    public async Task Case80_ConnectWithOptions_BinaryGuestUnixPeerEmptyStorage_PreAuthenticatedAdmin_ClientMayReauthenticateAsGuest()
    {
        // Difference: ConnectOptions has no storage; the host sets the values after connect, before any request.
        await using var sessions = new SessionManager(directory: _users);
        var peer = new UnixDomainSocketEndPoint("/tmp/seed80.sock");

        var plain = await sessions.ConnectAsync(new ConnectOptions { Peer = peer });
        var admin = await sessions.ConnectAsync(new ConnectOptions { Peer = peer, User = "admin" });
        admin.Storage.Set("foo", 1);
        admin.Storage.Set("bar", 2);

        using (sessions.Enter(plain, 1))
        {
            (sessions.Type, sessions.User, sessions.Peer(), sessions.Storage.Count).Should().Be((SessionType.Binary, "guest", "unix/:/tmp/seed80.sock", 0));
        }

        using (sessions.Enter(admin, 1))
        {
            sessions.User.Should().Be("admin");
            (sessions.Storage.Get("foo"), sessions.Storage.Get("bar"), sessions.Storage.Count).Should().Be(((object?)1, (object?)2, 2));
            await sessions.AuthenticateAsync(admin, "guest", string.Empty);
            (sessions.User, sessions.EffectiveUser).Should().Be(("guest", "guest"));
        }

        admin.User.Should().Be(SessionUser.Guest);
    }
}
