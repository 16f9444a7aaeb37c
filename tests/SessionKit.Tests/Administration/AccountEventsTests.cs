using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.Administration;

/// <summary>xmpp-sessions.md §3 cases 29, 30 and 57: account events close a user's sessions.</summary>
public sealed class AccountEventsTests : ResourceTestBase
{
    [Fact] // case 29
    public async Task PasswordChanged_ClosesAllButTheCurrent()
    {
        var (a, ca) = await ConnectAsync("alice");
        var (b, cb) = await ConnectAsync("alice");
        var (c, cc) = await ConnectAsync("alice");

        var closed = await Manager.Admin.CloseUserSessionsAsync("alice", SessionCloseReason.PasswordChanged, except: a);

        closed.Should().Be(2);
        a.State.Should().Be(SessionState.Open);
        b.State.Should().Be(SessionState.Destroyed);
        c.State.Should().Be(SessionState.Destroyed);
        ca.Closes.Should().BeEmpty();
        cb.Closes.Should().Equal(SessionCloseReason.PasswordChanged);
        cc.Closes.Should().Equal(SessionCloseReason.PasswordChanged);
        SessionCloseReason.PasswordChanged.Condition.Should().Be("reset");
    }

    [Theory] // case 30
    [InlineData("deleted", "not-authorized")]
    [InlineData("disabled", "not-authorized")]
    [InlineData("role", "reset")]
    public async Task DeletedDisabledRoleChanged_CloseAll(string what, string condition)
    {
        var reason = what switch
        {
            "deleted" => SessionCloseReason.AccountDeleted,
            "disabled" => SessionCloseReason.AccountDisabled,
            _ => SessionCloseReason.RoleChanged,
        };
        var (_, c1) = await ConnectAsync("alice");
        var (_, c2) = await ConnectAsync("alice");
        var (bob, _) = await ConnectAsync("bob");

        (await Manager.Admin.CloseUserSessionsAsync("alice", reason)).Should().Be(2);

        c1.Closes.Single().Condition.Should().Be(condition);
        c2.Closes.Single().Condition.Should().Be(condition);
        Manager.Users.IsOnline("alice").Should().BeFalse();
        bob.State.Should().Be(SessionState.Open);
    }

    [Fact] // case 57
    public async Task UserDeletesOwnAccountWhileConnected_OwnSessionIsClosedToo_WithTheAccountDeletedError()
    {
        // The deletion runs inside the user's own request. The own session is closed with the rest, and its client is
        // told why. Difference: ejabberd sends `conflict` here; SessionKit follows Prosody (case 30), so an account
        // deletion is `not-authorized` "Account deleted", whichever session asked for it.
        var (own, ownConnection) = await ConnectAsync("alice");
        var (other, otherConnection) = await ConnectAsync("alice");
        int closed;
        using (Manager.Enter(own, 9))
        {
            closed = await Manager.Admin.CloseUserSessionsAsync("alice", SessionCloseReason.AccountDeleted);
            own.State.Should().Be(SessionState.Closed, "closed at once; destroyed when its request ends");
            Manager.Sync.Should().Be(0UL, "a request of a closed session reads sync 0");
        }

        closed.Should().Be(2);
        ownConnection.Closes.Should().Equal(SessionCloseReason.AccountDeleted);
        otherConnection.Closes.Should().Equal(SessionCloseReason.AccountDeleted);
        SessionCloseReason.AccountDeleted.Condition.Should().Be("not-authorized");
        own.State.Should().Be(SessionState.Destroyed);
        other.State.Should().Be(SessionState.Destroyed);
        Manager.Users.IsOnline("alice").Should().BeFalse();
    }

    [Fact]
    public async Task CloseUserSessions_ExceptFromAnotherManager_ThrowsAndClosesNothing()
    {
        await using var other = new SessionManager(directory: Users);
        var foreign = await other.ConnectAsync(SessionType.Binary);
        var (mine, _) = await ConnectAsync("alice");

        var act = () => Manager.Admin.CloseUserSessionsAsync("alice", SessionCloseReason.PasswordChanged, except: foreign).AsTask();
        (await act.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("except");
        mine.State.Should().Be(SessionState.Open);
    }
}
