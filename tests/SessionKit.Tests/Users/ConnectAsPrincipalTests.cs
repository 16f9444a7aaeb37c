using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.Users;

/// <summary>Issue 14 point 7: a host with external authentication connects a session as a <see cref="SessionUser"/> it built, without the directory.</summary>
public sealed class ConnectAsPrincipalTests : IAsyncDisposable
{
    private readonly FastUserDirectory _users = new();
    private SessionManager? _manager;

    public async ValueTask DisposeAsync()
    {
        if (_manager is not null)
        {
            await _manager.DisposeAsync();
        }
    }

    [Fact]
    public async Task UserUnknownToTheDirectory_StartsAsThatUser_WithoutOnAuth()
    {
        var manager = Manager();
        var auth = 0;
        manager.OnAuth.Add(_ => { auth++; return default; });
        var online = new List<string>();
        manager.Users.OnUserOnline.Add(ctx => { online.Add(ctx.UserName); return default; });
        var external = new SessionUser(1001, "oidc-dana");

        var session = await manager.ConnectAsync(new ConnectOptions { AuthenticatedUser = external });

        session.User.Should().BeSameAs(external);
        manager.Users.IsOnline("oidc-dana").Should().BeTrue();
        manager.Users.SessionsOf("oidc-dana").Should().Equal(session);
        online.Should().Equal("oidc-dana");
        auth.Should().Be(0);
        _users.TryFindUser("oidc-dana", out _).Should().BeFalse("the directory was never asked to know the user");
    }

    [Fact]
    public async Task Guest_ConnectsAGuestSession()
    {
        var manager = Manager();

        var session = await manager.ConnectAsync(new ConnectOptions { AuthenticatedUser = SessionUser.Guest });

        session.User.Name.Should().Be("guest");
    }

    [Theory]
    [InlineData(1UL, "mallory")]
    [InlineData(0UL, "mallory")]
    [InlineData(42UL, "admin")]
    [InlineData(43UL, "guest")]
    public async Task ReservedIdOrNameUnderAnother_IsRefused_AndNothingRuns(ulong id, string name)
    {
        var manager = Manager();
        var connects = 0;
        manager.OnConnect.Add(_ => { connects++; return default; });

        var act = async () => await manager.ConnectAsync(new ConnectOptions { AuthenticatedUser = new SessionUser(id, name) });

        (await act.Should().ThrowAsync<AccessDeniedException>()).Which.Message.Should().Contain("reserved");
        manager.Count.Should().Be(0);
        connects.Should().Be(0);
    }

    [Fact]
    public async Task NameLongerThanTheManagersBound_IsRefused()
    {
        var manager = Manager(new SessionManagerOptions { MaxUserNameLength = 8 });

        var act = async () => await manager.ConnectAsync(new ConnectOptions { AuthenticatedUser = new SessionUser(7, "a-very-long-name") });

        (await act.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("ConnectOptions.AuthenticatedUser");
        manager.Count.Should().Be(0);
    }

    [Fact]
    public async Task UserAndAuthenticatedUser_AreExclusive()
    {
        _users.Add("alice");
        var manager = Manager();

        var act = async () => await manager.ConnectAsync(new ConnectOptions { User = "alice", AuthenticatedUser = new SessionUser(7, "dana") });

        (await act.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("exclusive");
    }

    [Fact]
    public async Task SessionLimit_RejectNew_AppliesAtConnect()
    {
        var manager = Manager(new SessionManagerOptions { MaxSessionsPerUser = _ => 1 });
        var dana = new SessionUser(7, "dana");
        await manager.ConnectAsync(new ConnectOptions { AuthenticatedUser = dana });

        var act = async () => await manager.ConnectAsync(new ConnectOptions { AuthenticatedUser = dana });

        await act.Should().ThrowAsync<SessionLimitExceededException>();
        manager.Users.SessionsOf("dana").Should().HaveCount(1);
    }

    [Fact]
    public async Task SessionLimit_EvictOldest_ClosesTheOldest()
    {
        var manager = Manager(new SessionManagerOptions { MaxSessionsPerUser = _ => 1, SessionLimitPolicy = SessionLimitPolicy.EvictOldest });
        var dana = new SessionUser(7, "dana");
        var connection = new RecordingConnection();
        var first = await manager.ConnectAsync(new ConnectOptions { AuthenticatedUser = dana, Connection = connection });

        var second = await manager.ConnectAsync(new ConnectOptions { AuthenticatedUser = dana });

        first.IsClosed.Should().BeTrue();
        connection.Closes.Should().Equal(SessionCloseReason.SessionLimitReached);
        manager.Users.SessionsOf("dana").Should().Equal(second);
    }

    [Fact]
    public async Task ResourceConflictPolicy_KickOld_Applies()
    {
        var manager = Manager(new SessionManagerOptions { ResourceConflictPolicy = ResourceConflictPolicy.KickOld });
        var dana = new SessionUser(7, "dana");
        var connection = new RecordingConnection();
        var old = await manager.ConnectAsync(new ConnectOptions { AuthenticatedUser = dana, Connection = connection });
        await manager.Users.BindResourceAsync(old, "laptop");
        var newcomer = await manager.ConnectAsync(new ConnectOptions { AuthenticatedUser = dana });

        (await manager.Users.BindResourceAsync(newcomer, "laptop")).Should().Be("laptop");

        old.IsClosed.Should().BeTrue();
        connection.Closes.Should().Equal(SessionCloseReason.Replaced);
        manager.Users.FindResource("dana", "laptop").Should().BeSameAs(newcomer);
    }

    private SessionManager Manager(SessionManagerOptions? options = null)
    {
        _manager = new SessionManager(options, _users);
        return _manager;
    }
}
