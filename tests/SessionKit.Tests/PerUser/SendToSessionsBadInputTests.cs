using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.PerUser;

/// <summary>
/// <see cref="UserSessions.SendToSessionsAsync"/> with bad input: it throws naming the parameter before any send starts,
/// so no session receives a message, and a broadcast list with one bad entry sends to none of its good ones either.
/// </summary>
public sealed class SendToSessionsBadInputTests : ResourceTestBase
{
    [Fact]
    public async Task NullSessions_ThrowsNamingSessions_AndSendsNothing()
    {
        var (_, connection) = await ConnectAsync("alice");

        var act = async () => await Manager.Users.SendToSessionsAsync(null!, "m");

        (await act.Should().ThrowAsync<ArgumentNullException>()).Which.ParamName.Should().Be("sessions");
        connection.Sent.Should().BeEmpty();
    }

    [Fact]
    public async Task NullMessage_ThrowsNamingMessage_AndSendsNothing()
    {
        var (session, connection) = await ConnectAsync("alice");

        var act = async () => await Manager.Users.SendToSessionsAsync([session], null!);

        (await act.Should().ThrowAsync<ArgumentNullException>()).Which.ParamName.Should().Be("message");
        connection.Sent.Should().BeEmpty();
    }

    [Fact]
    public async Task ANullEntry_ThrowsNamingSessions_AndTheGoodEntriesReceiveNothing()
    {
        var (first, firstConnection) = await ConnectAsync("alice");
        var (second, secondConnection) = await ConnectAsync("bob");

        var act = async () => await Manager.Users.SendToSessionsAsync([first, null!, second], "m");

        (await act.Should().ThrowAsync<ArgumentNullException>()).Which.ParamName.Should().Be("sessions");
        firstConnection.Sent.Should().BeEmpty();
        secondConnection.Sent.Should().BeEmpty();
    }

    [Fact]
    public async Task ASessionOfAnotherManager_ThrowsNamingSessions_AndTheGoodEntriesReceiveNothing()
    {
        var (mine, myConnection) = await ConnectAsync("alice");
        await using var other = new SessionManager();
        var foreign = await other.ConnectAsync(new ConnectOptions { Connection = new RecordingConnection() });

        var act = async () => await Manager.Users.SendToSessionsAsync([mine, foreign], "m");

        (await act.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("sessions");
        myConnection.Sent.Should().BeEmpty();
        foreign.IsClosed.Should().BeFalse("a rejected broadcast leaves the foreign session alone");
    }

    [Fact]
    public async Task AfterDispose_ThrowsObjectDisposed()
    {
        var (session, connection) = await ConnectAsync("alice");
        await Manager.DisposeAsync();

        var act = async () => await Manager.Users.SendToSessionsAsync([session], "m");

        await act.Should().ThrowAsync<ObjectDisposedException>();
        connection.Sent.Should().BeEmpty();
    }
}
