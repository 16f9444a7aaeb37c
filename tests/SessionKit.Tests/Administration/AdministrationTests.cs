using System.Net;

using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.Administration;

public sealed class AdministrationTests : ResourceTestBase
{
    [Fact]
    public async Task ListSessions_ShowsEveryColumn()
    {
        var session = await Manager.ConnectAsync(new ConnectOptions { Peer = new IPEndPoint(IPAddress.Loopback, 5222), Host = "example.org", Type = new SessionType("c2s") });
        await Manager.AuthenticateAsync(session, "alice", "secret");
        await Manager.Users.BindResourceAsync(session, "home");
        session.IsAvailable = true;
        session.Priority = 7;

        var row = Manager.Admin.ListSessions().Single();

        row.Should().Be(new SessionInfo(session.Id, "alice", "example.org", "home", new SessionType("c2s"), "127.0.0.1:5222", session.ConnectedAt, SessionState.Open, true, 7));
    }

    [Fact]
    public async Task KickById_ClosesThatSession_UnknownIdReturnsFalse()
    {
        var (session, connection) = await ConnectAsync("alice");
        (await Manager.Admin.KickAsync(session.Id)).Should().BeTrue();
        connection.Closes.Should().Equal(SessionCloseReason.Kicked);
        (await Manager.Admin.KickAsync(session.Id)).Should().BeFalse();
        (await Manager.Admin.KickAsync(ulong.MaxValue)).Should().BeFalse();
        (await Manager.Admin.KickAsync(0)).Should().BeFalse();
    }

    [Fact]
    public async Task KickByUser_AndKickAll_ReturnCounts()
    {
        await ConnectAsync("alice");
        await ConnectAsync("alice");
        await ConnectAsync("bob");
        await ConnectAsync();

        (await Manager.Admin.KickUserAsync("alice", new SessionCloseReason("policy-violation", "spam"))).Should().Be(2);
        (await Manager.Admin.KickAllAsync()).Should().Be(2);
        Manager.Count.Should().Be(0);
        (await Manager.Admin.KickAllAsync()).Should().Be(0);
    }
}
