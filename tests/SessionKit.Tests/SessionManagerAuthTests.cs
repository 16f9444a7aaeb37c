using Microsoft.Extensions.Logging.Testing;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests;

/// <summary>AuthenticateAsync (design.md "Users, authentication, Su"; spec §4.6, the 2.11+ order).</summary>
public sealed class SessionManagerAuthTests
{
    private const string Password = "correct horse battery staple";
    private readonly FastUserDirectory _users = new();
    private readonly SessionUser _alice;
    private readonly SessionUser _bob;

    public SessionManagerAuthTests()
    {
        _alice = _users.Add("alice", Password);
        _bob = _users.Add("bob", "bob-password");
        _users.Add("nosess", Password, mayConnect: false);
    }

    [Fact]
    public async Task AuthenticateAsync_CorrectPassword_SwitchesSessionUser()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);

        var user = await sessions.AuthenticateAsync(session, "alice", Password);

        user.Should().Be(_alice);
        session.User.Should().Be(_alice);
        sessions.Users.SessionsOf("alice").Should().ContainSingle().Which.Should().BeSameAs(session);
        using (sessions.Enter(session, 1))
        {
            sessions.User.Should().Be("alice");
            sessions.Uid.Should().Be(_alice.Id);
            sessions.EffectiveUser.Should().Be("alice");
        }
    }

    [Fact]
    public async Task AuthenticateAsync_UnknownUserAndWrongPassword_FailIdentically()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);

        var unknown = await Capture(() => sessions.AuthenticateAsync(session, "eve", Password));
        var wrong = await Capture(() => sessions.AuthenticateAsync(session, "alice", "wrong"));

        unknown.Should().BeOfType<AuthenticationFailedException>();
        wrong.Should().BeOfType<AuthenticationFailedException>();
        unknown.Message.Should().Be("User not found or supplied credentials are invalid");
        wrong.Message.Should().Be(unknown.Message);
        wrong.InnerException.Should().BeNull();
        unknown.InnerException.Should().BeNull();
        session.User.Should().Be(SessionUser.Guest);
        session.State.Should().Be(SessionState.Open);
        sessions.Count.Should().Be(1);
        using (sessions.Enter(session, 2))
        {
            sessions.User.Should().Be("guest", "the session stays open and usable after a failed authentication");
        }
    }

    [Fact]
    public async Task AuthenticateAsync_FailureAfterSuccess_KeepsThePreviousUser()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);
        await sessions.AuthenticateAsync(session, "alice", Password);

        var act = async () => await sessions.AuthenticateAsync(session, "bob", "not bob's");

        await act.Should().ThrowAsync<AuthenticationFailedException>();
        session.User.Should().Be(_alice);
        sessions.Users.SessionsOf("alice").Should().ContainSingle();
        sessions.Users.SessionsOf("bob").Should().BeEmpty();
    }

    [Fact]
    public async Task AuthenticateAsync_ReAuthentication_SwitchesUserAndReindexes()
    {
        // spec §4.6 step 8: alice, a failed attempt, then guest with an empty password switches back.
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);

        await sessions.AuthenticateAsync(session, "alice", Password);
        await sessions.AuthenticateAsync(session, "bob", "bob-password");

        session.User.Should().Be(_bob);
        sessions.Users.SessionsOf("alice").Should().BeEmpty();
        sessions.Users.SessionsOf("bob").Should().ContainSingle().Which.Should().BeSameAs(session);

        await sessions.AuthenticateAsync(session, "guest", string.Empty);

        session.User.Should().Be(SessionUser.Guest);
        sessions.Users.SessionsOf("bob").Should().BeEmpty();
        sessions.Users.SessionsOf("guest").Should().BeEmpty("guest sessions are not indexed");
    }

    [Fact]
    public async Task AuthenticateAsync_UserThatMayNotConnect_ThrowsAccessDeniedWithoutOnAuth()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);
        var authRuns = 0;
        var denied = new List<(string, string, string, string)>();
        sessions.OnAuth.Add(_ =>
        {
            authRuns++;
            return ValueTask.CompletedTask;
        });
        sessions.OnAccessDenied.Add(c =>
        {
            denied.Add((c.Access, c.ObjectType, c.ObjectName, c.UserName));
            return ValueTask.CompletedTask;
        });

        var act = async () => await sessions.AuthenticateAsync(session, "nosess", Password);

        var error = (await act.Should().ThrowAsync<AccessDeniedException>()).Which;
        error.Message.Should().Be("Session access is denied for user 'nosess'");
        error.Access.Should().Be("Session");
        error.ObjectType.Should().Be("universe");
        error.ObjectName.Should().BeEmpty();
        error.UserName.Should().Be("nosess");
        denied.Should().Equal(("Session", "universe", string.Empty, "nosess"));
        authRuns.Should().Be(0, "2.11+: a correct password for a user without session access does not run on_auth");
        session.User.Should().Be(SessionUser.Guest);
        session.State.Should().Be(SessionState.Open);
        sessions.Users.SessionsOf("nosess").Should().BeEmpty();
    }

    [Fact]
    public async Task AuthenticateAsync_UserThatMayNotConnectWithWrongPassword_FailsWithCredentialsError()
    {
        // 2.11+: the session-access check comes after the password check, so a wrong password says nothing more.
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);
        var deniedRuns = 0;
        var auths = new List<(string, bool)>();
        sessions.OnAccessDenied.Add(_ =>
        {
            deniedRuns++;
            return ValueTask.CompletedTask;
        });
        sessions.OnAuth.Add(c =>
        {
            auths.Add((c.UserName, c.Succeeded));
            return ValueTask.CompletedTask;
        });

        var act = async () => await sessions.AuthenticateAsync(session, "nosess", "wrong");

        (await act.Should().ThrowAsync<AuthenticationFailedException>()).Which.Message.Should().Be(AuthenticationFailedException.CredentialsMessage);
        deniedRuns.Should().Be(0);
        auths.Should().Equal(("nosess", false));
        session.User.Should().Be(SessionUser.Guest);
    }

    [Fact]
    public async Task AuthenticateAsync_ClosedSession_ThrowsSessionClosedAndKeepsUser()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);
        var scope = sessions.Enter(session, 1);
        await sessions.DisconnectAsync(session);

        var act = async () => await sessions.AuthenticateAsync(session, "alice", Password);

        (await act.Should().ThrowAsync<SessionClosedException>()).Which.SessionId.Should().Be(session.Id);
        session.User.Should().Be(SessionUser.Guest);
        sessions.Users.SessionsOf("alice").Should().BeEmpty();
        scope.Dispose();
    }

    [Fact]
    public async Task AuthenticateAsync_Failures_NeverPutThePasswordOrTypedNameInMessagesOrLogs()
    {
        var logs = new FakeLoggerProvider();
        using var factory = logs.CreateFactory();
        await using var sessions = new SessionManager(directory: _users, loggerFactory: factory);
        var session = await sessions.ConnectAsync(SessionType.Binary);
        const string secret = "Tr0ub4dor&3-secret";
        const string typedAsName = "hunter2-typed-into-name";

        var wrong = await Capture(() => sessions.AuthenticateAsync(session, "alice", secret));
        var unknown = await Capture(() => sessions.AuthenticateAsync(session, typedAsName, secret));
        await sessions.AuthenticateAsync(session, "alice", Password);

        wrong.ToString().Should().NotContain(secret);
        unknown.ToString().Should().NotContain(secret).And.NotContain(typedAsName);
        logs.Collector.GetSnapshot().Should().NotBeEmpty();
        foreach (var record in logs.Collector.GetSnapshot())
        {
            record.Message.Should().NotContain(secret).And.NotContain(typedAsName).And.NotContain(Password);
            (record.StructuredState ?? []).Select(kv => kv.Value?.ToString() ?? string.Empty).Should().NotContain(v => v.Contains(secret) || v.Contains(typedAsName) || v.Contains(Password));
        }
    }

    [Fact]
    public async Task AuthenticateAsync_WithInMemoryDirectory_AcceptsOnlyTheHashedPassword()
    {
        var directory = new InMemoryUserDirectory();
        var carol = directory.AddUser("carol", "carol's password");
        await using var sessions = new SessionManager(directory: directory);
        var session = await sessions.ConnectAsync(SessionType.Binary);

        var act = async () => await sessions.AuthenticateAsync(session, "carol", "Carol's password");
        await act.Should().ThrowAsync<AuthenticationFailedException>();
        var user = await sessions.AuthenticateAsync(session, "carol", "carol's password");

        user.Should().Be(carol);
        session.User.Name.Should().Be("carol");
    }

    [Fact]
    public async Task AuthenticateAsync_AsAdminWhoseDefaultPasswordIsUnset_Fails()
    {
        // Tarantool: a user without a password (admin by default) cannot authenticate over the network; only guest
        // is accepted without credentials (§4.6 step 2). Otherwise any client becomes admin with an empty password,
        // which defeats the Su caller check of design.md.
        await using var sessions = new SessionManager(directory: new InMemoryUserDirectory());
        var session = await sessions.ConnectAsync(SessionType.Binary);

        var act = async () => await sessions.AuthenticateAsync(session, "admin", string.Empty);

        await act.Should().ThrowAsync<AuthenticationFailedException>();
        session.User.Should().Be(SessionUser.Guest);
    }

    [Fact]
    public async Task AuthenticateAsync_GuestWithEmptyPassword_SucceedsWithOnAuth()
    {
        // spec §5.2 case 63: user='guest' with an empty password runs on_auth('guest', true).
        await using var sessions = new SessionManager(directory: new InMemoryUserDirectory());
        var session = await sessions.ConnectAsync(SessionType.Binary);
        var auths = new List<(string, bool)>();
        sessions.OnAuth.Add(c =>
        {
            auths.Add((c.UserName, c.Succeeded));
            return ValueTask.CompletedTask;
        });

        var user = await sessions.AuthenticateAsync(session, "guest", string.Empty);

        user.Should().Be(SessionUser.Guest);
        auths.Should().Equal(("guest", true));
    }

    private static async Task<Exception> Capture(Func<ValueTask<SessionUser>> call)
    {
        try
        {
            await call();
        }
        catch (Exception ex)
        {
            return ex;
        }

        throw new InvalidOperationException("Expected the call to fail.");
    }
}
