using System.Net;

namespace SessionKit.Tests.Triggers;

/// <summary>
/// The context each list runs in (spec §3.7 as adapted in design.md): connect and disconnect run as the session with
/// effective user admin and sync 0; auth runs as the pre-authentication user with the authentication request's sync;
/// access denied runs in the caller's own context.
/// </summary>
public abstract class TriggerRunContextTestsBase(bool logging) : IAsyncLifetime
{
    private readonly TriggerTestHost _host = new(logging);

    private SessionManager Manager => _host.Manager;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task OnConnect_SeesTheNewSession_GuestUser_AdminEffectiveUser_Sync0()
    {
        Session? given = null;
        Manager.OnConnect.Add(context =>
        {
            given = context.Session;
            _host.Record("C");
            return default;
        });

        var session = await _host.ConnectAsync();

        given.Should().BeSameAs(session);
        var seen = _host.Seen.Should().ContainSingle().Subject;
        seen.Current.Should().BeSameAs(session);
        seen.Id.Should().Be(session.Id);
        seen.User.Should().Be("guest");
        seen.Uid.Should().Be(0);
        seen.EffectiveUser.Should().Be("admin");
        seen.Euid.Should().Be(1);
        seen.Sync.Should().Be(0);
        seen.Type.Should().Be("binary");
        seen.Peer.Should().Be("127.0.0.1:40123");
        seen.Exists.Should().BeTrue();
        seen.ExistsById.Should().BeTrue();
    }

    [Fact]
    public async Task OnConnect_OfAPreAuthenticatedSession_SeesThatUser_AndAdminEffectiveUser()
    {
        Manager.OnConnect.Add(_host.SessionTrigger("C"));

        await Manager.ConnectAsync(new ConnectOptions { User = "alice", Type = SessionType.Console });

        var seen = _host.Seen.Should().ContainSingle().Subject;
        seen.User.Should().Be("alice");
        seen.EffectiveUser.Should().Be("admin");
        seen.Type.Should().Be("console");
        seen.Peer.Should().BeNull();
    }

    [Fact]
    public async Task OnConnect_CalledFromInsideAnotherSessionsRequest_SeesTheNewSession_AndTheCallerIsRestored()
    {
        var other = await _host.ConnectAsync();
        Manager.OnConnect.Add(_host.SessionTrigger("C"));

        Session created;
        using (Manager.Enter(other, 77))
        {
            created = await _host.ConnectAsync();
            Manager.Current.Should().BeSameAs(other);
            Manager.Sync.Should().Be(77);
            Manager.EffectiveUser.Should().Be("guest");
        }

        var seen = _host.Seen.Should().ContainSingle().Subject;
        seen.Current.Should().BeSameAs(created);
        seen.Sync.Should().Be(0);
        seen.EffectiveUser.Should().Be("admin");
    }

    [Fact]
    public async Task OnDisconnect_SeesTheSession_LastUser_AdminEffectiveUser_Sync0_StorageAndPeer()
    {
        var session = await _host.ConnectAsync();
        using (Manager.Enter(session, 3))
        {
            await Manager.AuthenticateAsync(session, "alice", "secret");
            Manager.Storage.Set("mark", "m1");
        }

        object? storage = null;
        Manager.OnDisconnect.Add(context =>
        {
            _host.Record("D");
            storage = Manager.Storage.Get("mark");
            context.Session.State.Should().Be(SessionState.Closed);
            return default;
        });

        await Manager.DisconnectAsync(session);

        var seen = _host.Seen.Should().ContainSingle().Subject;
        seen.Current.Should().BeSameAs(session);
        seen.Id.Should().Be(session.Id);
        seen.User.Should().Be("alice");
        seen.EffectiveUser.Should().Be("admin");
        seen.Sync.Should().Be(0);
        seen.Type.Should().Be("binary");
        seen.Peer.Should().Be("127.0.0.1:40123", "the peer is captured at connect and readable in on_disconnect (2.10+)");
        seen.Exists.Should().BeTrue();
        seen.ExistsById.Should().BeTrue();
        storage.Should().Be("m1");
        session.State.Should().Be(SessionState.Destroyed);
        Manager.Exists(session.Id).Should().BeFalse();
    }

    [Fact]
    public async Task OnDisconnect_CalledFromInsideARequest_StillSeesSync0()
    {
        var session = await _host.ConnectAsync();
        Manager.OnDisconnect.Add(_host.SessionTrigger("D"));

        using (Manager.Enter(session, 9))
        {
            await Manager.DisconnectAsync(session);
            Manager.Sync.Should().Be(0, "a request still running after its session closed reads sync 0");
        }

        _host.Seen.Should().ContainSingle().Which.Sync.Should().Be(0);
        session.State.Should().Be(SessionState.Destroyed);
    }

    [Fact]
    public async Task OnAuth_RunsAsThePreAuthUser_WithTheSyncOfTheEnterScope()
    {
        var session = await _host.ConnectAsync();
        var args = new List<(string, bool)>();
        Manager.OnAuth.Add(context =>
        {
            _host.Record("U");
            args.Add((context.UserName, context.Succeeded));
            context.Session.Should().BeSameAs(session);
            return default;
        });

        using (Manager.Enter(session, 7))
        {
            await Manager.AuthenticateAsync(session, "alice", "secret");
            Manager.User.Should().Be("alice");
        }

        var seen = _host.Seen.Should().ContainSingle().Subject;
        seen.Current.Should().BeSameAs(session);
        seen.User.Should().Be("guest");
        seen.EffectiveUser.Should().Be("guest", "on_auth runs with the pre-auth user's rights, not admin's");
        seen.Uid.Should().Be(0);
        seen.Euid.Should().Be(0);
        seen.Sync.Should().Be(7);
        args.Should().Equal(("alice", true));
    }

    [Fact]
    public async Task OnAuth_OnReAuthentication_SeesThePreviousUserAsBoth()
    {
        var session = await _host.ConnectAsync();
        using (Manager.Enter(session, 1))
        {
            await Manager.AuthenticateAsync(session, "alice", "secret");
        }

        Manager.OnAuth.Add(_host.AuthTrigger("U"));
        using (Manager.Enter(session, 8))
        {
            await Manager.AuthenticateAsync(session, "bob", "secret");
        }

        var seen = _host.Seen.Should().ContainSingle().Subject;
        seen.User.Should().Be("alice");
        seen.EffectiveUser.Should().Be("alice");
        seen.Sync.Should().Be(8);
        session.User.Name.Should().Be("bob");
    }

    [Fact]
    public async Task OnAuth_OutsideAnyRequest_SeesSync0()
    {
        var session = await _host.ConnectAsync();
        Manager.OnAuth.Add(_host.AuthTrigger("U"));

        await Manager.AuthenticateAsync(session, "alice", "secret");

        var seen = _host.Seen.Should().ContainSingle().Subject;
        seen.Current.Should().BeSameAs(session);
        seen.Sync.Should().Be(0);
        seen.User.Should().Be("guest");
        Manager.Current.Should().BeNull("the trigger's context does not leak into the caller");
    }

    [Fact]
    public async Task OnAuth_CalledInsideAnotherSessionsRequest_SeesSync0()
    {
        var other = await _host.ConnectAsync();
        var session = await _host.ConnectAsync();
        Manager.OnAuth.Add(_host.AuthTrigger("U"));

        using (Manager.Enter(other, 42))
        {
            await Manager.AuthenticateAsync(session, "alice", "secret");
            Manager.Current.Should().BeSameAs(other);
        }

        var seen = _host.Seen.Should().ContainSingle().Subject;
        seen.Current.Should().BeSameAs(session);
        seen.Sync.Should().Be(0, "42 is the sync of another session's request, not of this authentication");
    }

    [Fact]
    public async Task OnAccessDenied_ForARefusedSu_RunsInTheCallersContext()
    {
        var session = await _host.ConnectAsync();
        var args = new List<AccessDeniedTriggerContext>();
        Manager.OnAccessDenied.Add(_host.AccessDeniedTrigger("X", args: args));

        using (Manager.Enter(session, 1))
        {
            await Manager.AuthenticateAsync(session, "alice", "secret");
        }

        using (Manager.Enter(session, 5))
        {
            FluentActions.Invoking(() => Manager.Su("admin")).Should().Throw<AccessDeniedException>();
        }

        var seen = _host.Seen.Should().ContainSingle().Subject;
        seen.Current.Should().BeSameAs(session);
        seen.User.Should().Be("alice");
        seen.EffectiveUser.Should().Be("alice");
        seen.Sync.Should().Be(5);
        var arg = args.Should().ContainSingle().Subject;
        (arg.Access, arg.ObjectType, arg.ObjectName, arg.UserName).Should().Be(("Su", "user", "admin", "alice"));
        arg.Session.Should().BeSameAs(session);
    }

    [Fact]
    public async Task OnAccessDenied_InsideASuScope_SeesTheSuTargetAsEffectiveUser()
    {
        var session = await Manager.ConnectAsync(new ConnectOptions { User = "admin" });
        Manager.OnAccessDenied.Add(_host.AccessDeniedTrigger("X"));

        using (Manager.Enter(session, 4))
        using (Manager.Su("guest"))
        {
            FluentActions.Invoking(() => Manager.Su("alice")).Should().Throw<AccessDeniedException>();
        }

        var seen = _host.Seen.Should().ContainSingle().Subject;
        seen.User.Should().Be("admin");
        seen.EffectiveUser.Should().Be("guest");
        seen.Sync.Should().Be(4);
    }

    [Fact]
    public async Task OnAccessDenied_ForARefusedChangeUser_RunsInTheCallersContext()
    {
        var session = await Manager.ConnectAsync(new ConnectOptions { User = "alice" });
        var args = new List<AccessDeniedTriggerContext>();
        Manager.OnAccessDenied.Add(_host.AccessDeniedTrigger("X", args: args));

        using (Manager.Enter(session, 6))
        {
            FluentActions.Invoking(() => Manager.ChangeUser("bob")).Should().Throw<AccessDeniedException>();
        }

        var seen = _host.Seen.Should().ContainSingle().Subject;
        seen.Current.Should().BeSameAs(session);
        seen.User.Should().Be("alice");
        seen.EffectiveUser.Should().Be("alice");
        seen.Sync.Should().Be(6);
        (args[0].Access, args[0].ObjectType, args[0].ObjectName).Should().Be(("ChangeUser", "user", "bob"));
    }

    [Fact]
    public async Task OnAccessDenied_ForAPreAuthenticatedConnectThatMayNotConnect_RunsInTheCallersContext()
    {
        var args = new List<AccessDeniedTriggerContext>();
        Manager.OnAccessDenied.Add(_host.AccessDeniedTrigger("X", args: args));
        Manager.OnConnect.Add(_host.SessionTrigger("C"));

        var act = async () => await Manager.ConnectAsync(new ConnectOptions { User = "nosess", Peer = new IPEndPoint(IPAddress.Loopback, 1) });

        await act.Should().ThrowAsync<AccessDeniedException>().WithMessage("Session access is denied for user 'nosess'");
        var seen = _host.Seen.Should().ContainSingle("the session was never registered, so on_connect did not run").Subject;
        seen.Trigger.Should().Be("X");
        seen.Current.Should().BeNull();
        seen.User.Should().Be("admin", "outside any session the background user answers");
        seen.Sync.Should().Be(0);
        var arg = args.Should().ContainSingle().Subject;
        (arg.Access, arg.ObjectType, arg.ObjectName, arg.UserName).Should().Be(("Session", "universe", string.Empty, "nosess"));
        arg.Session.Should().BeNull();
        Manager.Count.Should().Be(0);
    }

    [Fact]
    public async Task OnAccessDenied_ForAuthenticationOfAUserThatMayNotConnect_RunsInTheAuthRequestsContext()
    {
        var session = await _host.ConnectAsync();
        var args = new List<AccessDeniedTriggerContext>();
        Manager.OnAccessDenied.Add(_host.AccessDeniedTrigger("X", args: args));
        Manager.OnAuth.Add(_host.AuthTrigger("U"));

        using (Manager.Enter(session, 1))
        {
            var act = async () => await Manager.AuthenticateAsync(session, "nosess", "secret");
            await act.Should().ThrowAsync<AccessDeniedException>();
        }

        _host.Ran.Should().Equal("X");
        var seen = _host.Seen.Single();
        (seen.User, seen.EffectiveUser, seen.Sync).Should().Be(("guest", "guest", 1UL));
        (args[0].Access, args[0].ObjectType, args[0].ObjectName, args[0].UserName).Should().Be(("Session", "universe", string.Empty, "nosess"));
        session.State.Should().Be(SessionState.Open, "a refused authentication does not close the session");
    }

    [Fact]
    public async Task Triggers_ReceiveTheCallersToken_WhileTheyRun()
    {
        using var cts = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Session? session = null;
        Manager.OnConnect.Add(async context =>
        {
            session = context.Session;
            started.SetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, context.CancellationToken);
        });

        var connect = Manager.ConnectAsync(SessionType.Binary, null, cts.Token).AsTask();
        await started.Task;
        connect.IsCompleted.Should().BeFalse("the trigger is still waiting");
        await cts.CancelAsync();

        await FluentActions.Awaiting(() => connect).Should().ThrowAsync<OperationCanceledException>();
        session!.State.Should().Be(SessionState.Destroyed, "a cancelled on_connect is an on_connect error: the session is closed");
    }

    [Fact]
    public async Task Triggers_WithoutACallerToken_GetTheShutdownToken()
    {
        CancellationToken token = default;
        Manager.OnDisconnect.Add(context =>
        {
            token = context.CancellationToken;
            return default;
        });
        var session = await _host.ConnectAsync();

        await Manager.DisconnectAsync(session);

        token.CanBeCanceled.Should().BeTrue("the manager's shutdown can cancel it");
    }
}

/// <summary>The run context tests with a logger: trigger runs take the path that opens a logging scope.</summary>
public sealed class TriggerRunContextTests() : TriggerRunContextTestsBase(logging: true);

/// <summary>The run context tests without a logger: runs of synchronous triggers stay synchronous.</summary>
public sealed class TriggerRunContextWithoutLoggerTests() : TriggerRunContextTestsBase(logging: false);
