using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests;

/// <summary>SessionManagerOptions: defaults, validation at construction, the background user and the switch-user policy.</summary>
public sealed class SessionManagerOptionsTests
{
    private readonly FastUserDirectory _users = new();
    private readonly SessionUser _tester;

    public SessionManagerOptionsTests() => _tester = _users.Add("tester");

    [Fact]
    public void Defaults_AreTheDocumentedValues()
    {
        var options = new SessionManagerOptions();

        options.ShutdownTimeout.Should().Be(TimeSpan.FromSeconds(10));
        options.ShutdownTimeout.Should().Be(SessionManagerOptions.DefaultShutdownTimeout);
        options.CloseTimeout.Should().Be(TimeSpan.FromSeconds(5));
        options.CloseTimeout.Should().Be(SessionManagerOptions.DefaultCloseTimeout);
        options.BackgroundUser.Should().Be("admin");
        options.SwitchUserPolicy.Should().BeNull();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    [InlineData(-5000)]
    public void Constructor_NonPositiveShutdownTimeout_ThrowsNamingTheOption(int milliseconds)
    {
        var options = new SessionManagerOptions { ShutdownTimeout = TimeSpan.FromMilliseconds(milliseconds) };

        var act = () => new SessionManager(options, _users);

        var error = act.Should().Throw<ArgumentException>().Which;
        error.ParamName.Should().Be("options");
        error.Message.Should().Contain("ShutdownTimeout");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    public void Constructor_NonPositiveCloseTimeout_ThrowsNamingTheOption(int milliseconds)
    {
        var options = new SessionManagerOptions { CloseTimeout = TimeSpan.FromMilliseconds(milliseconds) };

        var act = () => new SessionManager(options, _users);

        var error = act.Should().Throw<ArgumentException>().Which;
        error.ParamName.Should().Be("options");
        error.Message.Should().Contain("CloseTimeout");
    }

    [Fact]
    public void Constructor_TimeoutLongerThanIntMaxMilliseconds_Throws()
    {
        var options = new SessionManagerOptions { ShutdownTimeout = TimeSpan.FromDays(30) };

        var act = () => new SessionManager(options, _users);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("options");
    }

    [Fact]
    public async Task Constructor_InfiniteTimeouts_AreAccepted()
    {
        var options = new SessionManagerOptions { ShutdownTimeout = Timeout.InfiniteTimeSpan, CloseTimeout = Timeout.InfiniteTimeSpan };

        await using var sessions = new SessionManager(options, _users);

        (await sessions.ConnectAsync(SessionType.Binary)).Id.Should().Be(1UL);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("empty")]
    [InlineData("whitespace")]
    [InlineData("control")]
    [InlineData("oversized")]
    [InlineData("unknown")]
    public void Constructor_InvalidBackgroundUser_ThrowsNamingTheOption(string kind)
    {
        var options = new SessionManagerOptions
        {
            BackgroundUser = kind switch
            {
                "null" => null!,
                "empty" => string.Empty,
                "whitespace" => "   ",
                "control" => "ad\u0007min",
                "oversized" => new string('a', 64 * 1024),
                _ => "nobody",
            },
        };

        var act = () => new SessionManager(options, _users);

        var error = act.Should().Throw<ArgumentException>().Which;
        error.ParamName.Should().Be("options");
        error.Message.Should().Contain("BackgroundUser");
        error.Message.Length.Should().BeLessThan(1000, "a 64 KiB value never becomes a 64 KiB message");
    }

    [Fact]
    public async Task BackgroundUser_Guest_IsWhoCodeOutsideSessionsRunsAs()
    {
        await using var sessions = new SessionManager(new SessionManagerOptions { BackgroundUser = "guest" }, _users);

        sessions.User.Should().Be("guest");
        sessions.EffectiveUser.Should().Be("guest");
        sessions.Uid.Should().Be(0UL);
        var su = () => sessions.Su("admin");
        su.Should().Throw<AccessDeniedException>("a guest background user is not admin, so it may not switch");
    }

    [Fact]
    public async Task BackgroundUser_AddedUser_IsReportedOutsideSessions()
    {
        await using var sessions = new SessionManager(new SessionManagerOptions { BackgroundUser = "tester" }, _users);

        sessions.User.Should().Be("tester");
        sessions.Uid.Should().Be(_tester.Id);
    }

    [Fact]
    public async Task SwitchUserPolicy_Custom_ReceivesTheRequestAndDecides()
    {
        var requests = new List<SwitchUserRequest>();
        var options = new SessionManagerOptions
        {
            SwitchUserPolicy = r =>
            {
                requests.Add(r);
                return r.TargetName == "tester";
            },
        };
        await using var sessions = new SessionManager(options, _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);
        using var request = sessions.Enter(session, 1);

        sessions.Su("tester", () => sessions.EffectiveUser).Should().Be("tester", "the policy lets guest become tester");
        var toAdmin = () => sessions.ChangeUser("admin");
        toAdmin.Should().Throw<AccessDeniedException>();

        requests.Should().HaveCount(2);
        requests[0].Session.Should().BeSameAs(session);
        requests[0].Caller.Should().Be(SessionUser.Guest);
        requests[0].TargetName.Should().Be("tester");
        requests[0].Target.Should().Be(_tester);
        requests[0].Kind.Should().Be(SwitchUserKind.Su);
        requests[1].Kind.Should().Be(SwitchUserKind.ChangeUser);
        requests[1].Target.Should().Be(SessionUser.Admin);
        session.User.Should().Be(SessionUser.Guest);
    }

    [Fact]
    public async Task SwitchUserPolicy_DenyAll_RefusesEvenAdmin()
    {
        await using var sessions = new SessionManager(new SessionManagerOptions { SwitchUserPolicy = _ => false }, _users);

        var act = () => sessions.Su("guest");

        act.Should().Throw<AccessDeniedException>().WithMessage("Su access to user 'guest' is denied for user 'admin'");
        sessions.EffectiveUser.Should().Be("admin");
    }

    [Fact]
    public async Task SwitchUserPolicy_Default_ChecksTheCallerBeforeTheTargetExists()
    {
        // A refused caller cannot learn which user names exist: unknown and known targets fail alike.
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);
        using var request = sessions.Enter(session, 1);

        var unknown = () => sessions.Su("nosuch");
        var known = () => sessions.Su("tester");

        unknown.Should().Throw<AccessDeniedException>().WithMessage("Su access to user 'nosuch' is denied for user 'guest'");
        known.Should().Throw<AccessDeniedException>().WithMessage("Su access to user 'tester' is denied for user 'guest'");
    }

    [Fact]
    public async Task SwitchUserPolicy_Default_LetsACallerSwitchToItself()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(new ConnectOptions { User = "tester" });
        using var request = sessions.Enter(session, 1);

        sessions.Su("tester", () => sessions.EffectiveUser).Should().Be("tester");
        sessions.ChangeUser("tester");

        session.User.Should().Be(_tester);
        SwitchUserRequest.AdminOnly(new SwitchUserRequest(null, _tester, "admin", SessionUser.Admin, SwitchUserKind.Su)).Should().BeFalse();
        SwitchUserRequest.AdminOnly(new SwitchUserRequest(null, SessionUser.Admin, "tester", _tester, SwitchUserKind.ChangeUser)).Should().BeTrue();
        SwitchUserRequest.AdminOnly(new SwitchUserRequest(null, _tester, "nosuch", null, SwitchUserKind.Su)).Should().BeFalse();
    }
}
