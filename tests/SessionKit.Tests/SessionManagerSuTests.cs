using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests;

/// <summary>
/// Su scopes, Su(user, func), SuAsync and ChangeUser (design.md "Users, authentication, Su"; spec §2.8, §5.2 cases 26–42).
/// Skipped cases: 41 (live privilege grants: SessionKit has no privilege model, only may-connect) and 42 (setuid
/// functions: SessionKit has no stored functions with owners).
/// </summary>
public sealed class SessionManagerSuTests
{
    private readonly FastUserDirectory _users = new();
    private readonly SessionUser _tester;

    public SessionManagerSuTests()
    {
        _tester = _users.Add("tester");
        _users.Add("nosess", mayConnect: false);
    }

    private static SessionManagerOptions Permissive => new() { SwitchUserPolicy = _ => true };

    [Fact]
    public void Su_OnAFreshManager_WorksWithoutAConfigurationStep()
    {
        // spec §5.2 case 26 — difference: there is no box.cfg; the constructor is the configuration.
        using var sessions = new SessionManager(directory: _users);

        var effective = sessions.Su("guest", () => sessions.EffectiveUser);

        effective.Should().Be("guest");
    }

    [Theory]
    [InlineData("nosuch")]
    [InlineData("public")]
    [InlineData("999")]
    public async Task Su_NameThatIsNoUser_ThrowsUserNotFound(string name)
    {
        // spec §5.2 case 27: roles and numeric ids are not users; names only (no Su(0)).
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(new ConnectOptions { User = "admin" });
        using var request = sessions.Enter(session, 1);

        var act = () => sessions.Su(name, () => { });

        act.Should().Throw<UserNotFoundException>().WithMessage($"User '{name}' is not found").Which.UserName.Should().Be(name);
        sessions.EffectiveUser.Should().Be("admin");
    }

    [Fact]
    public void Su_Null_ThrowsArgumentNullNeverGuest()
    {
        // spec §5.2 case 27 / §2.8 — difference: su(nil) switches to guest in Tarantool; here it is an argument error.
        using var sessions = new SessionManager(directory: _users);

        var act = () => sessions.Su(null!, () => sessions.EffectiveUser);

        act.Should().ThrowExactly<ArgumentNullException>().Which.ParamName.Should().Be("user");
        sessions.EffectiveUser.Should().Be("admin");
    }

    [Fact]
    public void Su_LongUnknownName_IsShortenedInTheMessage()
    {
        // spec §2.8: a long name is truncated in "User '…' is not found".
        using var sessions = new SessionManager(directory: _users);
        var name = new string('a', 200);

        var act = () => sessions.Su(name);

        var error = act.Should().Throw<UserNotFoundException>().Which;
        error.Message.Length.Should().BeLessThan(100);
        error.Message.Should().StartWith("User 'aaaa").And.EndWith("…' is not found");
    }

    [Fact]
    public async Task Su_AsAdmin_FuncSeesSessionUserAdminAndEffectiveTester()
    {
        // spec §5.2 case 28
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(new ConnectOptions { User = "admin" });
        using var request = sessions.Enter(session, 1);

        var seen = sessions.Su("tester", () => (sessions.User, sessions.EffectiveUser));

        seen.Should().Be(("admin", "tester"));
        sessions.User.Should().Be("admin");
        sessions.EffectiveUser.Should().Be("admin");
        session.User.Name.Should().Be("admin");
    }

    [Fact]
    public async Task ChangeUser_AsAdmin_ChangesSessionAndEffectiveUser()
    {
        // spec §5.2 case 29: the one-argument su changes both.
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(new ConnectOptions { User = "admin" });

        using (sessions.Enter(session, 1))
        {
            sessions.ChangeUser("tester");
            sessions.User.Should().Be("tester");
            sessions.EffectiveUser.Should().Be("tester");
        }

        session.User.Should().Be(_tester);
        sessions.Users.SessionsOf("tester").Should().ContainSingle().Which.Should().BeSameAs(session);
        sessions.Users.SessionsOf("admin").Should().BeEmpty();
        using (sessions.Enter(session, 2))
        {
            sessions.User.Should().Be("tester", "the change lasts for the rest of the session");
        }
    }

    [Fact]
    public async Task Su_AsTesterToAdmin_IsDeniedByDefault()
    {
        // spec §5.2 case 30 — difference: Tarantool never checks the caller; SessionKit lets only admin switch.
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(new ConnectOptions { User = "tester" });
        var denied = new List<(string, string, string, string)>();
        sessions.OnAccessDenied.Add(c =>
        {
            denied.Add((c.Access, c.ObjectType, c.ObjectName, c.UserName));
            return ValueTask.CompletedTask;
        });
        using var request = sessions.Enter(session, 1);

        var act = () => sessions.Su("admin", () => (sessions.User, sessions.EffectiveUser));

        var error = act.Should().Throw<AccessDeniedException>().Which;
        error.Message.Should().Be("Su access to user 'admin' is denied for user 'tester'");
        denied.Should().Equal(("Su", "user", "admin", "tester"));
        sessions.EffectiveUser.Should().Be("tester");
    }

    [Fact]
    public async Task Su_AsTesterToAdminWithPermissivePolicy_SeesTesterAndAdmin()
    {
        // spec §5.2 case 30 under a policy that restores Tarantool's behaviour.
        await using var sessions = new SessionManager(Permissive, _users);
        var session = await sessions.ConnectAsync(new ConnectOptions { User = "tester" });
        using var request = sessions.Enter(session, 1);

        var seen = sessions.Su("admin", () => (sessions.User, sessions.EffectiveUser));

        seen.Should().Be(("tester", "admin"));
    }

    [Fact]
    public void Su_AdminToGuest_UidStaysAdminEuidIsGuest()
    {
        // spec §5.2 case 31
        using var sessions = new SessionManager(directory: _users);

        sessions.Su("guest", () => sessions.Uid).Should().Be(1UL);
        sessions.Su("guest", () => sessions.Euid).Should().Be(0UL);
    }

    [Fact]
    public void Su_FuncResult_IsReturnedUnchangedIncludingNulls()
    {
        // spec §5.2 case 32: every result comes back, embedded nils included (a C# tuple stands for Lua's multiple returns).
        using var sessions = new SessionManager(directory: _users);

        var result = sessions.Su("guest", () => (3, "a", (string?)null, "c"));

        result.Should().Be((3, "a", (string?)null, "c"));
    }

    [Fact]
    public async Task Su_FuncThrows_SameExceptionPropagatesAndEffectiveUserIsRestored()
    {
        // spec §5.2 case 33, for the sync and async forms.
        await using var sessions = new SessionManager(directory: _users);
        var boom = new InvalidOperationException("boom");

        var sync = () => sessions.Su("guest", () => throw boom);
        var async = async () => await sessions.SuAsync("guest", async () =>
        {
            await Task.Yield();
            throw boom;
        });

        sync.Should().Throw<InvalidOperationException>().Which.Should().BeSameAs(boom);
        sessions.EffectiveUser.Should().Be("admin");
        (await async.Should().ThrowAsync<InvalidOperationException>()).Which.Should().BeSameAs(boom);
        sessions.EffectiveUser.Should().Be("admin");
    }

    [Fact]
    public void Su_NestedGuestThenAdmin_IsDeniedByDefaultAndGuestIsKept()
    {
        // spec §5.2 case 34 — difference: the inner switch runs as guest, which may not become admin.
        using var sessions = new SessionManager(directory: _users);

        var seen = sessions.Su("guest", () =>
        {
            var inner = () => sessions.Su("admin", () => sessions.EffectiveUser);
            inner.Should().Throw<AccessDeniedException>();
            return sessions.EffectiveUser;
        });

        seen.Should().Be("guest");
        sessions.EffectiveUser.Should().Be("admin");
    }

    [Fact]
    public void Su_NestedWithPermissivePolicy_InnerSeesAdminOuterSeesGuest()
    {
        // spec §5.2 case 34
        using var sessions = new SessionManager(Permissive, _users);

        var seen = sessions.Su("guest", () => (sessions.Su("admin", () => sessions.EffectiveUser), sessions.EffectiveUser));

        seen.Should().Be(("admin", "guest"));
        sessions.EffectiveUser.Should().Be("admin");
    }

    [Fact]
    public void Su_NestedAdminThenGuest_RestoresEachLevel()
    {
        using var sessions = new SessionManager(directory: _users);

        var seen = sessions.Su("tester", () =>
        {
            // tester may "switch" to itself; an outer admin level is needed to go anywhere else.
            var self = sessions.Su("tester", () => sessions.EffectiveUser);
            return (self, sessions.EffectiveUser);
        });
        var nested = sessions.Su("admin", () => (sessions.Su("guest", () => sessions.EffectiveUser), sessions.EffectiveUser));

        seen.Should().Be(("tester", "tester"));
        nested.Should().Be(("guest", "admin"));
    }

    [Fact]
    public void Su_UserVersusEffectiveUser_MatchesTheFixedDocs()
    {
        // spec §5.2 case 35: user() ignores su (admin-xxx), effective_user() shows it (guest-xxx).
        using var sessions = new SessionManager(directory: _users);
        const string suffix = "-xxx";

        sessions.Su("guest", () => sessions.User + suffix).Should().Be("admin-xxx");
        sessions.Su("guest", () => sessions.EffectiveUser + suffix).Should().Be("guest-xxx");
    }

    [Fact]
    public async Task Su_TargetWithoutSessionAccess_BothFormsAreDenied()
    {
        // spec §5.2 case 36 (message per design.md: "Session access is denied for user 'NAME'").
        await using var sessions = new SessionManager(directory: _users);
        var denied = new List<(string, string, string, string)>();
        sessions.OnAccessDenied.Add(c =>
        {
            denied.Add((c.Access, c.ObjectType, c.ObjectName, c.UserName));
            return ValueTask.CompletedTask;
        });
        var session = await sessions.ConnectAsync(new ConnectOptions { User = "admin" });
        using var request = sessions.Enter(session, 1);

        var scoped = () => sessions.Su("nosess", () => { });
        var persistent = () => sessions.ChangeUser("nosess");

        scoped.Should().Throw<AccessDeniedException>().WithMessage("Session access is denied for user 'nosess'");
        persistent.Should().Throw<AccessDeniedException>().WithMessage("Session access is denied for user 'nosess'");
        denied.Should().Equal(("Session", "universe", string.Empty, "nosess"), ("Session", "universe", string.Empty, "nosess"));
        sessions.EffectiveUser.Should().Be("admin");
        session.User.Name.Should().Be("admin");
    }

    [Fact]
    public async Task Su_NullDelegate_ThrowsArgumentNull()
    {
        // spec §5.2 case 37: a non-function is a type error; in C# only null can get through.
        await using var sessions = new SessionManager(directory: _users);

        var action = () => sessions.Su("guest", (Action)null!);
        var func = () => sessions.Su("guest", (Func<int>)null!);
        var asyncFunc = async () => await sessions.SuAsync("guest", (Func<ValueTask>)null!);

        action.Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("action");
        func.Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("func");
        (await asyncFunc.Should().ThrowAsync<ArgumentNullException>()).Which.ParamName.Should().Be("func");
        sessions.EffectiveUser.Should().Be("admin");
    }

    [Fact]
    public void ChangeUserAndSuWithAction_ReturnNothing()
    {
        // spec §5.2 case 38: su(user) and su(user, function() end) return no values.
        typeof(SessionManager).GetMethod(nameof(SessionManager.ChangeUser))!.ReturnType.Should().Be(typeof(void));
        typeof(SessionManager).GetMethod(nameof(SessionManager.Su), [typeof(string), typeof(Action)])!.ReturnType.Should().Be(typeof(void));
    }

    [Fact]
    public async Task SuAndChangeUser_GuestToAdmin_AreDeniedAndLaterRequestsStayGuest()
    {
        // spec §5.2 case 40 — the security test: a guest calling su('admin') becomes admin in Tarantool, never here.
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);

        using (sessions.Enter(session, 1))
        {
            var su = () => sessions.Su("admin");
            var change = () => sessions.ChangeUser("admin");
            su.Should().Throw<AccessDeniedException>().Which.UserName.Should().Be("guest");
            change.Should().Throw<AccessDeniedException>().WithMessage("ChangeUser access to user 'admin' is denied for user 'guest'");
            sessions.EffectiveUser.Should().Be("guest");
        }

        using (sessions.Enter(session, 2))
        {
            sessions.User.Should().Be("guest");
            sessions.EffectiveUser.Should().Be("guest");
        }

        session.User.Should().Be(SessionUser.Guest);
    }

    [Fact]
    public async Task SuAsync_AcrossAwaits_KeepsTheTargetAndRestoresAfterwards()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(new ConnectOptions { User = "admin" });
        using var request = sessions.Enter(session, 3);

        var seen = await sessions.SuAsync("tester", async () =>
        {
            await Task.Yield();
            var afterYield = sessions.EffectiveUser;
            var inTask = await Task.Run(() => sessions.EffectiveUser);
            return (afterYield, inTask, sessions.User, sessions.Sync);
        });

        seen.Should().Be(("tester", "tester", "admin", 3UL));
        sessions.EffectiveUser.Should().Be("admin");
        sessions.Euid.Should().Be(1UL);
    }

    [Fact]
    public async Task ChangeUser_InsideSuScope_TheRestOfTheScopeRunsAsTheNewUser()
    {
        // As box.session.su(user) inside su(u, f) on Tarantool (ChangeUserConformanceTests): the effective user of the
        // rest of the scope is the new session user, not the Su target.
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(new ConnectOptions { User = "admin" });
        using var request = sessions.Enter(session, 1);

        using (sessions.Su("admin"))
        {
            sessions.ChangeUser("tester");
            sessions.User.Should().Be("tester");
            sessions.EffectiveUser.Should().Be("tester");
        }

        sessions.EffectiveUser.Should().Be("tester");
        sessions.Euid.Should().Be(_tester.Id);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("tes\u0001ter")]
    public void Su_BadName_ThrowsArgumentException_WhicheverDirectory_AndNeverAsksACustomDirectory(string name)
    {
        // The embedded directory is asked first (every name it holds is valid, so a name it finds needs no check);
        // any other directory is asked only about valid names.
        var recording = new RecordingDirectory(_users);
        using var custom = new SessionManager(directory: recording);
        using var embedded = new SessionManager();

        foreach (var sessions in new[] { custom, embedded })
        {
            var act = () => sessions.Su(name);

            act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("user");
            sessions.EffectiveUser.Should().Be("admin", "a refused Su changes nothing");
        }

        recording.Asked.Should().NotContain(name);
    }

    [Fact]
    public void Su_EmbeddedDirectory_KnownNameSwitches_UnknownNameIsNotFound()
    {
        var users = new InMemoryUserDirectory();
        users.AddUser("carol", "pw");
        using var sessions = new SessionManager(directory: users);

        sessions.Su("carol", () => sessions.EffectiveUser).Should().Be("carol");
        FluentActions.Invoking(() => sessions.Su("nobody")).Should().Throw<UserNotFoundException>();
        sessions.EffectiveUser.Should().Be("admin");
    }

    [Fact]
    public async Task Su_AndChangeUser_AskACustomDirectoryOnlyAfterTheirOwnChecks()
    {
        var recording = new RecordingDirectory(_users);
        var sessions = new SessionManager(directory: recording);

        // Outside any session, ChangeUser refuses before any lookup.
        FluentActions.Invoking(() => sessions.ChangeUser("tester")).Should().Throw<InvalidOperationException>();

        // In a closed session (a request still running), likewise.
        var session = await sessions.ConnectAsync(SessionType.Binary);
        using (sessions.Enter(session))
        {
            await sessions.DisconnectAsync(session);
            FluentActions.Invoking(() => sessions.ChangeUser("tester")).Should().Throw<SessionClosedException>();
        }

        // Once disposed, neither asks.
        await sessions.DisposeAsync();
        FluentActions.Invoking(() => sessions.Su("tester")).Should().Throw<ObjectDisposedException>();
        FluentActions.Invoking(() => sessions.ChangeUser("tester")).Should().Throw<ObjectDisposedException>();

        recording.Asked.Should().NotContain("tester");
    }

    /// <summary>Forwards to another directory and records every name it was asked to find.</summary>
    private sealed class RecordingDirectory(IUserDirectory inner) : IUserDirectory
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Asked { get; } = new();

        public bool TryFindUser(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SessionUser? user)
        {
            Asked.Enqueue(name);
            return inner.TryFindUser(name, out user);
        }

        public ValueTask<SessionUser?> VerifyAsync(string name, string password, CancellationToken cancellationToken = default) =>
            inner.VerifyAsync(name, password, cancellationToken);

        public bool MayConnect(SessionUser user) => inner.MayConnect(user);
    }
}
