using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests;

/// <summary>
/// design.md "Security rules" for ChangeUser: a temporary grant never becomes permanent, ChangeUser behaves as
/// Tarantool's one-argument <c>box.session.su(user)</c> (session user and the current scope's effective user), and
/// the reserved ids 0 and 1 belong to guest and admin only.
/// </summary>
public sealed class ChangeUserRulesTests
{
    private readonly FastUserDirectory _users = new();
    private readonly SessionUser _tester;

    public ChangeUserRulesTests()
    {
        _tester = _users.Add("tester");
        _users.Add("reports");
    }

    // Lets anyone Su (the grant under test), while ChangeUser keeps the default rule.
    private static SessionManagerOptions SuForAnyone => new()
    {
        SwitchUserPolicy = r => r.Kind == SwitchUserKind.Su || SwitchUserRequest.AdminOnly(r),
    };

    [Fact]
    public async Task ChangeUser_InsideASuGrant_IsJudgedAgainstTheSessionUser_AndRefused()
    {
        await using var m = new SessionManager(SuForAnyone, _users);
        var session = await m.ConnectAsync(new ConnectOptions { User = "tester" });
        using var request = m.Enter(session, 1);

        using (m.Su("reports"))
        {
            var act = () => m.ChangeUser("reports");

            act.Should().Throw<AccessDeniedException>()
                .WithMessage("ChangeUser access to user 'reports' is denied for user 'tester'");
            m.EffectiveUser.Should().Be("reports", "the refused call changed nothing");
        }

        session.User.Should().Be(_tester, "the temporary grant did not become permanent");
        m.EffectiveUser.Should().Be("tester");
    }

    [Fact]
    public async Task ChangeUser_InsideASuScope_IsAllowedWhenTheSessionUserItselfMaySwitch()
    {
        // The session user is admin; the Su scope narrows the flow to guest. ChangeUser is judged against admin.
        await using var m = new SessionManager(directory: _users);
        var session = await m.ConnectAsync(new ConnectOptions { User = "admin" });
        using var request = m.Enter(session, 1);

        using (m.Su("guest"))
        {
            m.ChangeUser("tester");

            (m.User, m.EffectiveUser).Should().Be(("tester", "tester"), "as box.session.su(user) inside su(u, f): the rest of the scope runs as the new user");
        }

        session.User.Should().Be(_tester);
        (m.User, m.EffectiveUser).Should().Be(("tester", "tester"));
    }

    [Fact]
    public async Task ChangeUser_InOnConnect_TheRemainingOnConnectTriggersRunAsTheNewUser_OnDisconnectStillAsAdmin()
    {
        await using var m = new SessionManager(directory: _users);
        var seen = new List<string>();
        m.OnDisconnect.Add(_ =>
        {
            seen.Add($"disconnect {m.User}/{m.EffectiveUser}");
            return default;
        });
        m.OnConnect.Add(_ =>
        {
            seen.Add($"second {m.User}/{m.EffectiveUser}");
            return default;
        });
        m.OnConnect.Add(async _ =>
        {
            // Async on purpose: an AsyncLocal set here would not reach the next trigger.
            await Task.Yield();
            m.ChangeUser("tester");
            seen.Add($"first {m.User}/{m.EffectiveUser}");
        });

        var session = await m.ConnectAsync(SessionType.Binary);
        await m.DisconnectAsync(session);

        seen.Should().Equal("first tester/tester", "second tester/tester", "disconnect tester/admin");
    }

    [Fact]
    public async Task ChangeUser_InARequest_ChangesTheFlowForTheRestOfTheRequest()
    {
        await using var m = new SessionManager(directory: _users);
        var session = await m.ConnectAsync(new ConnectOptions { User = "admin" });

        using (m.Enter(session, 1))
        {
            m.ChangeUser("tester");
            (m.User, m.EffectiveUser, m.Euid).Should().Be(("tester", "tester", _tester.Id));
            var act = () => m.ChangeUser("admin");
            act.Should().Throw<AccessDeniedException>("the flow now runs as tester, who may not switch");
        }
    }

    [Fact]
    public async Task ChangeUser_InOnAuth_IsJudgedAgainstThePreAuthenticationUser_NotAdmin()
    {
        // on_auth runs as the pre-authentication user (no admin elevation), so a guest's on_auth cannot switch.
        await using var m = new SessionManager(directory: _users);
        Exception? refused = null;
        m.OnAuth.Add(_ =>
        {
            refused = Record.Exception(() => m.ChangeUser("admin"));
            return default;
        });
        var session = await m.ConnectAsync(SessionType.Binary);

        using (m.Enter(session, 1))
        {
            await m.AuthenticateAsync(session, "tester", "secret");
        }

        refused.Should().BeOfType<AccessDeniedException>().Which.Message.Should().Be("ChangeUser access to user 'admin' is denied for user 'guest'");
        session.User.Should().Be(_tester, "the authentication itself went on");
    }

    [Theory]
    [InlineData(1UL, "mallory")]
    [InlineData(0UL, "ghost")]
    public async Task SuAndChangeUser_ToADirectoryUserWithAReservedIdAndAnotherName_AreRefused(ulong id, string name)
    {
        var users = new ReservedIdDirectory(_users, new SessionUser(id, name));
        await using var m = new SessionManager(directory: users);
        var session = await m.ConnectAsync(new ConnectOptions { User = "admin" });
        var denied = new List<AccessDeniedTriggerContext>();
        m.OnAccessDenied.Add(c =>
        {
            denied.Add(c);
            return default;
        });
        using var request = m.Enter(session, 1);

        var su = () => m.Su(name);
        var change = () => m.ChangeUser(name);

        var reserved = id == 0 ? "guest" : "admin";
        su.Should().Throw<AccessDeniedException>()
            .WithMessage($"Su access to user '{name}' is denied: id {id} is reserved for '{reserved}'");
        change.Should().Throw<AccessDeniedException>()
            .WithMessage($"ChangeUser access to user '{name}' is denied: id {id} is reserved for '{reserved}'");
        (m.User, m.EffectiveUser).Should().Be(("admin", "admin"));
        session.User.Should().Be(SessionUser.Admin);
        denied.Select(c => (c.Access, c.ObjectType, c.ObjectName)).Should().Equal(("Su", "user", name), ("ChangeUser", "user", name));
    }

    [Fact]
    public async Task Su_ByACallerWithTheAdminIdButAnotherName_IsRefusedByTheDefaultPolicy()
    {
        // The caller is the background user here, the one way to run as such a user that no authentication check sees.
        var users = new ReservedIdDirectory(_users, new SessionUser(1, "mallory"));
        await using var m = new SessionManager(new SessionManagerOptions { BackgroundUser = "mallory" }, users);

        var act = () => m.Su("tester");

        act.Should().Throw<AccessDeniedException>().WithMessage("Su access to user 'tester' is denied for user 'mallory'");
        m.EffectiveUser.Should().Be("mallory");
    }

    [Fact]
    public void AdminOnly_ChecksIdentity_IdAndName()
    {
        var mallory = new SessionUser(1, "mallory");
        var admin2 = new SessionUser(1, "admin");

        SwitchUserRequest.AdminOnly(new SwitchUserRequest(null, SessionUser.Admin, "tester", _tester, SwitchUserKind.Su)).Should().BeTrue();
        SwitchUserRequest.AdminOnly(new SwitchUserRequest(null, admin2, "tester", _tester, SwitchUserKind.Su)).Should().BeTrue("id 1 named admin is admin");
        SwitchUserRequest.AdminOnly(new SwitchUserRequest(null, mallory, "tester", _tester, SwitchUserKind.Su)).Should().BeFalse("id 1 alone is not admin");
        SwitchUserRequest.AdminOnly(new SwitchUserRequest(null, mallory, "admin", SessionUser.Admin, SwitchUserKind.Su)).Should().BeFalse("same id, another user");
        SwitchUserRequest.AdminOnly(new SwitchUserRequest(null, _tester, "tester", _tester, SwitchUserKind.ChangeUser)).Should().BeTrue("a user may switch to itself");
        SwitchUserRequest.AdminOnly(new SwitchUserRequest(null, _tester, "reports", null, SwitchUserKind.Su)).Should().BeFalse();
    }

    /// <summary>A custom directory that also knows one user with a reserved id (a directory author's mistake).</summary>
    private sealed class ReservedIdDirectory(FastUserDirectory inner, SessionUser extra) : IUserDirectory
    {
        public bool TryFindUser(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SessionUser? user)
        {
            if (name == extra.Name)
            {
                user = extra;
                return true;
            }

            return inner.TryFindUser(name, out user);
        }

        public ValueTask<SessionUser?> VerifyAsync(string name, string password, CancellationToken cancellationToken = default) =>
            name == extra.Name ? new(extra) : inner.VerifyAsync(name, password, cancellationToken);

        public bool MayConnect(SessionUser user) => user.Name == extra.Name || inner.MayConnect(user);
    }
}
