using System.Net;
using Microsoft.Extensions.Time.Testing;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests;

/// <summary>The registry: construction, Count, lookups, Peer(id), SessionsOf and manager independence.</summary>
public sealed class SessionManagerTests
{
    private readonly FastUserDirectory _users = new();

    public SessionManagerTests() => _users.Add("tester");

    [Fact]
    public async Task Constructor_NoArguments_UsesAnInMemoryDirectoryAndTheSystemClock()
    {
        await using var sessions = new SessionManager();

        sessions.Directory.Should().BeOfType<InMemoryUserDirectory>();
        sessions.TimeProvider.Should().BeSameAs(TimeProvider.System);
        sessions.Directory.TryFindUser("guest", out var guest).Should().BeTrue();
        guest!.Id.Should().Be(0UL);
        sessions.Directory.TryFindUser("admin", out var admin).Should().BeTrue();
        admin!.Id.Should().Be(1UL);
        sessions.Count.Should().Be(0);
    }

    [Fact]
    public async Task Constructor_GivenDirectoryAndClock_ExposesThem()
    {
        var time = new FakeTimeProvider();

        await using var sessions = new SessionManager(directory: _users, timeProvider: time);

        sessions.Directory.Should().BeSameAs(_users);
        sessions.TimeProvider.Should().BeSameAs(time);
    }

    [Fact]
    public async Task Count_FollowsConnectAndDestroy()
    {
        await using var sessions = new SessionManager(directory: _users);

        var first = await sessions.ConnectAsync(SessionType.Binary);
        var second = await sessions.ConnectAsync(SessionType.Binary);
        sessions.Count.Should().Be(2);

        await sessions.DisconnectAsync(first);
        sessions.Count.Should().Be(1);
        await sessions.DisconnectAsync(second);
        sessions.Count.Should().Be(0);
    }

    [Fact]
    public async Task TryGetSession_RegisteredAndUnknownIds_AnswersAccordingly()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);

        sessions.TryGetSession(session.Id, out var found).Should().BeTrue();
        found.Should().BeSameAs(session);
        sessions.TryGetSession(session.Id + 1, out var missing).Should().BeFalse();
        missing.Should().BeNull();
    }

    [Fact]
    public async Task GetSession_UnknownId_ThrowsSessionNotFoundWithTheId()
    {
        await using var sessions = new SessionManager(directory: _users);
        await sessions.ConnectAsync(SessionType.Binary);

        var act = () => sessions.GetSession(77);

        var error = act.Should().Throw<SessionNotFoundException>().Which;
        error.SessionId.Should().Be(77UL);
        error.Message.Should().Be("Session 77 does not exist.");
    }

    [Fact]
    public async Task Peer_OfAnotherRegisteredSession_IsReadableById()
    {
        // spec §2.3: peer(sid) works for any existing session, not only the current one.
        await using var sessions = new SessionManager(directory: _users);
        var remote = await sessions.ConnectAsync(SessionType.Binary, new IPEndPoint(IPAddress.Parse("192.168.1.10"), 50000));
        var local = await sessions.ConnectAsync(SessionType.Binary);

        using (sessions.Enter(local, 1))
        {
            sessions.Peer().Should().BeNull();
            sessions.Peer(remote.Id).Should().Be("192.168.1.10:50000");
        }
    }

    [Fact]
    public async Task Peer_OfDestroyedSession_ThrowsSessionDoesNotExist()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary, new IPEndPoint(IPAddress.Loopback, 1));
        await sessions.DisconnectAsync(session);

        var act = () => sessions.Peer(session.Id);

        act.Should().Throw<SessionNotFoundException>().WithMessage("session.peer(): session does not exist");
        session.Peer.Should().Be("127.0.0.1:1", "the session object itself keeps its peer");
    }

    [Fact]
    public async Task SessionsOf_ReturnsASnapshotOfTheUsersSessionsOldestFirst()
    {
        await using var sessions = new SessionManager(directory: _users);
        var first = await sessions.ConnectAsync(new ConnectOptions { User = "tester" });
        var second = await sessions.ConnectAsync(new ConnectOptions { User = "tester" });
        await sessions.ConnectAsync(SessionType.Binary);

        var snapshot = sessions.Users.SessionsOf("tester");
        await sessions.DisconnectAsync(first);

        snapshot.Should().Equal(first, second);
        sessions.Users.SessionsOf("tester").Should().Equal(second);
        sessions.Users.SessionsOf("guest").Should().BeEmpty();
        sessions.Users.SessionsOf("nobody").Should().BeEmpty();
    }

    [Fact]
    public async Task SessionOfAnotherManager_IsRejectedByEveryCall()
    {
        await using var sessions = new SessionManager(directory: _users);
        await using var other = new SessionManager(directory: _users);
        var foreign = await other.ConnectAsync(new ConnectOptions { User = "tester" });
        foreign.Storage.Set("k", "v");

        var enter = () => sessions.Enter(foreign, 1);
        var disconnect = async () => await sessions.DisconnectAsync(foreign);
        var authenticate = async () => await sessions.AuthenticateAsync(foreign, "admin", "admin");

        enter.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("session");
        (await disconnect.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("session");
        (await authenticate.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("session");
        foreign.State.Should().Be(SessionState.Open);
        foreign.User.Name.Should().Be("tester");
        foreign.Storage.Get("k").Should().Be("v");
        other.Count.Should().Be(1);
        sessions.Count.Should().Be(0);
        sessions.Current.Should().BeNull();
    }

    [Fact]
    public async Task GetSessions_Empty_ReturnsEmptyList()
    {
        await using var sessions = new SessionManager(directory: _users);

        sessions.GetSessions().Should().BeEmpty();
    }
}
