using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests;

/// <summary>
/// Bad input and misuse: every case throws a clear exception naming its parameter (or is a documented no-op), and
/// leaves the manager, the session, its storage and the user index exactly as they were.
/// </summary>
public sealed class SessionManagerBadInputTests
{
    private readonly FastUserDirectory _users = new();

    public SessionManagerBadInputTests() => _users.Add("tester");

    public static TheoryData<string> BadNames => new() { "null", "empty", "whitespace", "tab", "control", "newline", "oversized" };

    public static TheoryData<ulong> UnknownIds => new() { 0UL, 2UL, ulong.MaxValue };

    [Theory]
    [MemberData(nameof(BadNames))]
    public async Task Su_BadUserName_ThrowsNamingUserAndChangesNothing(string kind)
    {
        var (sessions, session) = await OpenAsync();
        await using var owner = sessions;
        using var request = sessions.Enter(session, 5);
        var before = Snapshot(sessions, session);

        AssertBadName(() => sessions.Su(Name(kind)), kind, "user");
        AssertBadName(() => sessions.Su(Name(kind), () => { }), kind, "user");
        AssertBadName(() => sessions.Su(Name(kind), () => 1), kind, "user");
        AssertBadName(() => sessions.SuAsync(Name(kind), () => ValueTask.CompletedTask).AsTask().GetAwaiter().GetResult(), kind, "user");

        Snapshot(sessions, session).Should().Be(before);
    }

    [Theory]
    [MemberData(nameof(BadNames))]
    public async Task ChangeUser_BadUserName_ThrowsNamingUserAndChangesNothing(string kind)
    {
        var (sessions, session) = await OpenAsync();
        await using var owner = sessions;
        using var request = sessions.Enter(session, 5);
        var before = Snapshot(sessions, session);

        AssertBadName(() => sessions.ChangeUser(Name(kind)), kind, "user");

        Snapshot(sessions, session).Should().Be(before);
    }

    [Theory]
    [MemberData(nameof(BadNames))]
    public async Task AuthenticateAsync_BadUserName_ThrowsNamingUserNameAndChangesNothing(string kind)
    {
        var (sessions, session) = await OpenAsync();
        await using var owner = sessions;
        var before = Snapshot(sessions, session);

        AssertBadName(() => sessions.AuthenticateAsync(session, Name(kind), "secret").AsTask().GetAwaiter().GetResult(), kind, "userName");

        Snapshot(sessions, session).Should().Be(before);
    }

    [Theory]
    [MemberData(nameof(BadNames))]
    public async Task SessionType_BadName_ThrowsNamingNameAndTheSessionKeepsItsType(string kind)
    {
        var (sessions, session) = await OpenAsync();
        await using var owner = sessions;
        var before = Snapshot(sessions, session);

        AssertBadName(() => session.Type = new SessionType(Name(kind)), kind, "name");

        session.Type.Should().Be(SessionType.Binary);
        Snapshot(sessions, session).Should().Be(before);
    }

    [Fact]
    public async Task AuthenticateAsync_NullPassword_ThrowsNamingPasswordAndChangesNothing()
    {
        var (sessions, session) = await OpenAsync();
        await using var owner = sessions;
        var before = Snapshot(sessions, session);

        var act = async () => await sessions.AuthenticateAsync(session, "admin", null!);

        (await act.Should().ThrowExactlyAsync<ArgumentNullException>()).Which.ParamName.Should().Be("password");
        Snapshot(sessions, session).Should().Be(before);
    }

    [Theory]
    [MemberData(nameof(BadNames))]
    public async Task ConnectAsync_BadPreAuthenticatedUserOrHost_ThrowsNamingOptionsAndRegistersNothing(string kind)
    {
        var (sessions, session) = await OpenAsync();
        await using var owner = sessions;
        var before = Snapshot(sessions, session);

        // null means "no user" / "no host" for ConnectOptions, so only the non-null kinds are errors there.
        if (kind != "null")
        {
            var badUser = async () => await sessions.ConnectAsync(new ConnectOptions { User = Name(kind) });
            var badHost = async () => await sessions.ConnectAsync(new ConnectOptions { Host = Name(kind) });
            var userError = (await badUser.Should().ThrowExactlyAsync<ArgumentException>()).Which;
            userError.ParamName.Should().Be("options");
            userError.Message.Should().Contain("ConnectOptions.User");
            userError.Message.Length.Should().BeLessThan(500);
            (await badHost.Should().ThrowExactlyAsync<ArgumentException>()).Which.ParamName.Should().Be("options");
        }

        var nullOptions = async () => await sessions.ConnectAsync((ConnectOptions)null!);
        (await nullOptions.Should().ThrowExactlyAsync<ArgumentNullException>()).Which.ParamName.Should().Be("options");
        Snapshot(sessions, session).Should().Be(before);
        sessions.GetSessions().Should().ContainSingle();
    }

    [Theory]
    [MemberData(nameof(BadNames))]
    public async Task SessionsOf_BadUserName_ThrowsNamingUser(string kind)
    {
        var (sessions, session) = await OpenAsync();
        await using var owner = sessions;
        var before = Snapshot(sessions, session);

        AssertBadName(() => sessions.Users.SessionsOf(Name(kind)), kind, "user");
        AssertBadName(() => sessions.Users.IsOnline(Name(kind)), kind, "user");

        Snapshot(sessions, session).Should().Be(before);
    }

    [Theory]
    [MemberData(nameof(UnknownIds))]
    public async Task Lookups_UnknownId_ThrowSessionNotFoundOrAnswerFalse(ulong id)
    {
        var (sessions, session) = await OpenAsync();
        await using var owner = sessions;
        var before = Snapshot(sessions, session);

        var get = () => sessions.GetSession(id);
        var peer = () => sessions.Peer(id);

        get.Should().Throw<SessionNotFoundException>().Which.SessionId.Should().Be(id);
        var peerError = peer.Should().Throw<SessionNotFoundException>().Which;
        peerError.SessionId.Should().Be(id);
        peerError.Message.Should().Be("session.peer(): session does not exist");
        sessions.Exists(id).Should().BeFalse();
        sessions.TryGetSession(id, out var found).Should().BeFalse();
        found.Should().BeNull();
        Snapshot(sessions, session).Should().Be(before);
    }

    [Fact]
    public async Task Calls_NullSession_ThrowNamingSession()
    {
        var (sessions, session) = await OpenAsync();
        await using var owner = sessions;
        var before = Snapshot(sessions, session);

        var enter = () => sessions.Enter(null!, 1);
        var disconnect = async () => await sessions.DisconnectAsync(null!);
        var authenticate = async () => await sessions.AuthenticateAsync(null!, "admin", "admin");

        enter.Should().ThrowExactly<ArgumentNullException>().Which.ParamName.Should().Be("session");
        (await disconnect.Should().ThrowExactlyAsync<ArgumentNullException>()).Which.ParamName.Should().Be("session");
        (await authenticate.Should().ThrowExactlyAsync<ArgumentNullException>()).Which.ParamName.Should().Be("session");
        Snapshot(sessions, session).Should().Be(before);
    }

    [Fact]
    public async Task ChangeUser_OutsideAnySession_ThrowsInvalidOperation()
    {
        var (sessions, session) = await OpenAsync();
        await using var owner = sessions;
        var before = Snapshot(sessions, session);

        var act = () => sessions.ChangeUser("tester");

        act.Should().Throw<InvalidOperationException>().WithMessage("*current session*");
        Snapshot(sessions, session).Should().Be(before);
    }

    [Fact]
    public async Task ChangeUser_InRequestOfClosedSession_ThrowsSessionClosedAndKeepsUser()
    {
        var (sessions, session) = await OpenAsync();
        await using var owner = sessions;
        var request = sessions.Enter(session, 1);
        await sessions.DisconnectAsync(session);

        var act = () => sessions.ChangeUser("admin");

        act.Should().Throw<SessionClosedException>().Which.SessionId.Should().Be(session.Id);
        session.User.Name.Should().Be("tester");
        sessions.Users.SessionsOf("tester").Should().ContainSingle();
        request.Dispose();
        sessions.Users.SessionsOf("tester").Should().BeEmpty();
    }

    [Fact]
    public async Task Dispose_Twice_IsANoOpAndClosesEachSessionOnce()
    {
        var sessions = new SessionManager(directory: _users);
        var runs = 0;
        sessions.OnDisconnect.Add(_ =>
        {
            Interlocked.Increment(ref runs);
            return ValueTask.CompletedTask;
        });
        var session = await sessions.ConnectAsync(SessionType.Binary);

        sessions.Dispose();
        sessions.Dispose();
        await sessions.DisposeAsync();
        var concurrent = Enumerable.Range(0, 8).Select(_ => Task.Run(() => sessions.DisposeAsync().AsTask())).ToArray();
        await Task.WhenAll(concurrent);

        concurrent.Should().OnlyContain(t => t.IsCompletedSuccessfully);
        runs.Should().Be(1);
        session.State.Should().Be(SessionState.Destroyed);
    }

    [Fact]
    public async Task RequestScope_DisposedTwice_ReleasesItsReferenceOnce()
    {
        var (sessions, session) = await OpenAsync();
        await using var owner = sessions;
        var first = sessions.Enter(session, 1);
        var second = sessions.Enter(session, 2);

        second.Dispose();
        second.Dispose();
        await sessions.DisconnectAsync(session);

        session.State.Should().Be(SessionState.Closed, "the first request is still in flight");
        sessions.Exists(session.Id).Should().BeTrue();
        session.Storage.Get("k").Should().Be("v");
        sessions.Current.Should().BeSameAs(session, "disposing the inner scope twice must not pop the outer one");
        first.Dispose();
        first.Dispose();
        session.State.Should().Be(SessionState.Destroyed);
        sessions.Current.Should().BeNull();
    }

    [Fact]
    public async Task SuScope_DisposedTwiceOrOutOfOrder_RestoresCorrectly()
    {
        // A permissive policy so that three distinct effective users can nest.
        var (sessions, session) = await OpenAsync(user: "admin", options: new SessionManagerOptions { SwitchUserPolicy = _ => true });
        await using var owner = sessions;
        using var request = sessions.Enter(session, 1);

        var guest = sessions.Su("guest");
        var tester = sessions.Su("tester");
        tester.Dispose();
        tester.Dispose();
        sessions.EffectiveUser.Should().Be("guest", "a second dispose must not pop the outer Su");

        var inner = sessions.Su("tester");
        guest.Dispose();
        sessions.EffectiveUser.Should().Be("tester", "the inner Su is still open");
        inner.Dispose();
        sessions.EffectiveUser.Should().Be("admin");
        sessions.Current.Should().BeSameAs(session);
        sessions.Sync.Should().Be(1UL);
    }

    [Fact]
    public async Task RequestAndSuScopes_DisposedOutOfOrder_LeaveNothingBehind()
    {
        var (sessions, session) = await OpenAsync(user: "admin");
        await using var owner = sessions;

        var request = sessions.Enter(session, 9);
        var su = sessions.Su("guest");
        request.Dispose();
        sessions.EffectiveUser.Should().Be("guest", "the Su scope is still open");
        su.Dispose();

        sessions.Current.Should().BeNull();
        sessions.EffectiveUser.Should().Be("admin");
        sessions.Sync.Should().Be(0UL);
        await sessions.DisconnectAsync(session);
        session.State.Should().Be(SessionState.Destroyed);
    }

    [Fact]
    public void DefaultScope_Dispose_IsANoOp()
    {
        using var sessions = new SessionManager(directory: _users);

        var act = () => default(SessionScope).Dispose();

        act.Should().NotThrow();
        sessions.Current.Should().BeNull();
    }

    [Theory]
    [InlineData("ConnectAsync")]
    [InlineData("ConnectAsyncWithOptions")]
    [InlineData("DisconnectAsync")]
    [InlineData("AuthenticateAsync")]
    [InlineData("Enter")]
    [InlineData("Su")]
    [InlineData("SuAsync")]
    [InlineData("ChangeUser")]
    [InlineData("Count")]
    [InlineData("Exists")]
    [InlineData("TryGetSession")]
    [InlineData("GetSession")]
    [InlineData("GetSessions")]
    [InlineData("Peer")]
    [InlineData("SessionsOf")]
    public async Task Calls_AfterDispose_ThrowObjectDisposed(string call)
    {
        var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);
        var scope = sessions.Enter(session, 1);
        await sessions.DisposeAsync();

        Func<Task> act = call switch
        {
            "ConnectAsync" => async () => await sessions.ConnectAsync(SessionType.Binary),
            "ConnectAsyncWithOptions" => async () => await sessions.ConnectAsync(new ConnectOptions()),
            "DisconnectAsync" => async () => await sessions.DisconnectAsync(session),
            "AuthenticateAsync" => async () => await sessions.AuthenticateAsync(session, "admin", "admin"),
            "Enter" => () => Task.FromResult(sessions.Enter(session, 2)),
            "Su" => () => Task.FromResult(sessions.Su("guest")),
            "SuAsync" => async () => await sessions.SuAsync("guest", () => ValueTask.CompletedTask),
            "ChangeUser" => () => Task.Run(() => sessions.ChangeUser("admin")),
            "Count" => () => Task.FromResult(sessions.Count),
            "Exists" => () => Task.FromResult(sessions.Exists(session.Id)),
            "TryGetSession" => () => Task.FromResult(sessions.TryGetSession(session.Id, out _)),
            "GetSession" => () => Task.FromResult(sessions.GetSession(session.Id)),
            "GetSessions" => () => Task.FromResult(sessions.GetSessions()),
            "Peer" => () => Task.FromResult(sessions.Peer(session.Id)),
            _ => () => Task.FromResult(sessions.Users.SessionsOf("tester")),
        };

        (await act.Should().ThrowAsync<ObjectDisposedException>()).Which.ObjectName.Should().Be(nameof(SessionManager));

        // The scope entered before shutdown still leaves cleanly, and the ambient members keep answering.
        var leave = () => scope.Dispose();
        leave.Should().NotThrow();
        session.State.Should().Be(SessionState.Destroyed);
        sessions.Current.Should().BeNull();
        sessions.User.Should().Be("admin");
        sessions.Id.Should().Be(0UL);
    }

    private static string Name(string kind) => kind switch
    {
        "null" => null!,
        "empty" => string.Empty,
        "whitespace" => "   ",
        "tab" => "\t",
        "control" => "te\u0001ster",
        "newline" => "tester\r\n",
        "oversized" => new string('a', 64 * 1024),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static void AssertBadName(Action act, string kind, string parameter)
    {
        var error = act.Should().Throw<ArgumentException>().Which;
        error.ParamName.Should().Be(parameter);
        error.GetType().Should().Be(kind == "null" ? typeof(ArgumentNullException) : typeof(ArgumentException));
        error.Message.Length.Should().BeLessThan(500, "a 64 KiB argument never becomes a 64 KiB message");
    }

    private static string Snapshot(SessionManager sessions, Session session) =>
        string.Join(
            " | ",
            $"count={sessions.Count}",
            $"state={session.State}",
            $"type={session.Type}",
            $"sessionUser={session.User.Name}",
            $"current={sessions.Current?.Id}",
            $"user={sessions.User}",
            $"effective={sessions.EffectiveUser}",
            $"sync={sessions.Sync}",
            $"storage={string.Join(",", session.Storage.GetStringKeys().Order().Select(k => $"{k}={session.Storage.Get(k)}"))}",
            $"tester={string.Join(",", sessions.Users.SessionsOf("tester").Select(s => s.Id))}",
            $"admin={string.Join(",", sessions.Users.SessionsOf("admin").Select(s => s.Id))}");

    private async Task<(SessionManager Sessions, Session Session)> OpenAsync(string user = "tester", SessionManagerOptions? options = null)
    {
        var sessions = new SessionManager(options, _users);
        var session = await sessions.ConnectAsync(new ConnectOptions { User = user });
        session.Storage.Set("k", "v");
        return (sessions, session);
    }
}
