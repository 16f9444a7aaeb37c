using System.Net;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests;

/// <summary>The ambient context: <see cref="SessionManager.Current"/> and the box.session-shaped members (design.md "Identity").</summary>
public sealed class SessionManagerContextTests
{
    private readonly FastUserDirectory _users = new();

    public SessionManagerContextTests()
    {
        _users.Add("tester");
        _users.Add("bob");
    }

    [Fact]
    public async Task Ambient_OutsideAnySession_ReportsBackgroundValues()
    {
        await using var sessions = new SessionManager(directory: _users);

        sessions.Current.Should().BeNull();
        sessions.Id.Should().Be(0UL);
        sessions.Sync.Should().Be(0UL);
        sessions.Type.Should().Be(SessionType.Background);
        sessions.User.Should().Be("admin");
        sessions.EffectiveUser.Should().Be("admin");
        sessions.Uid.Should().Be(1UL);
        sessions.Euid.Should().Be(1UL);
        sessions.Peer().Should().BeNull();
        sessions.Exists().Should().BeFalse();
    }

    [Fact]
    public async Task Enter_OpenSession_SetsEveryAmbientMember()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(new ConnectOptions { User = "tester", Peer = new IPEndPoint(IPAddress.Parse("10.0.0.1"), 4000) });
        var tester = session.User;

        using (sessions.Enter(session, 42))
        {
            sessions.Current.Should().BeSameAs(session);
            sessions.Id.Should().Be(session.Id);
            sessions.Sync.Should().Be(42UL);
            sessions.Type.Should().Be(SessionType.Binary);
            sessions.User.Should().Be("tester");
            sessions.EffectiveUser.Should().Be("tester");
            sessions.Uid.Should().Be(tester.Id);
            sessions.Euid.Should().Be(tester.Id);
            sessions.Peer().Should().Be("10.0.0.1:4000");
            sessions.Exists().Should().BeTrue();
            sessions.Storage.Should().BeSameAs(session.Storage);
        }

        sessions.Current.Should().BeNull();
        sessions.Sync.Should().Be(0UL);
        sessions.User.Should().Be("admin");
    }

    [Fact]
    public async Task Enter_AcrossAwaits_KeepsSessionAndSync()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);

        using (sessions.Enter(session, 7))
        {
            await Task.Yield();
            sessions.Current.Should().BeSameAs(session);
            await Task.Run(() => { }).ConfigureAwait(false);
            sessions.Current.Should().BeSameAs(session);
            sessions.Sync.Should().Be(7UL);
        }

        sessions.Current.Should().BeNull();
    }

    [Fact]
    public async Task Enter_TaskStartedInsideScope_InheritsSessionSyncAndUser()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(new ConnectOptions { User = "tester" });

        (Session? Current, ulong Sync, string User) seen;
        using (sessions.Enter(session, 9))
        {
            seen = await Task.Run(() => (sessions.Current, sessions.Sync, sessions.User));
        }

        seen.Current.Should().BeSameAs(session);
        seen.Sync.Should().Be(9UL);
        seen.User.Should().Be("tester");
    }

    [Fact]
    public async Task Enter_TaskStartedFromGuestRequest_RunsAsGuestNotAdmin()
    {
        // design.md: unlike Tarantool (§4.4), work started from a client's request keeps that client's user.
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);

        (string User, string EffectiveUser, ulong Euid) seen;
        using (sessions.Enter(session, 1))
        {
            seen = await Task.Factory.StartNew(() => (sessions.User, sessions.EffectiveUser, sessions.Euid), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        seen.User.Should().Be("guest");
        seen.EffectiveUser.Should().Be("guest");
        seen.Euid.Should().Be(0UL);
    }

    [Fact]
    public async Task Enter_TaskOutlivesDestroyedSession_SeesNoSessionButKeepsLastUser()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(new ConnectOptions { User = "tester" });
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Task<(Session? Current, ulong Id, ulong Sync, bool Exists, string User, string EffectiveUser, SessionType Type, bool StorageThrew)> lingering;
        using (sessions.Enter(session, 5))
        {
            lingering = Task.Run(async () =>
            {
                started.SetResult();
                await release.Task;
                var storageThrew = false;
                try
                {
                    _ = sessions.Storage;
                }
                catch (InvalidOperationException)
                {
                    storageThrew = true;
                }

                return (sessions.Current, sessions.Id, sessions.Sync, sessions.Exists(), sessions.User, sessions.EffectiveUser, sessions.Type, storageThrew);
            });
            await started.Task;
        }

        // The session's last user is bob: the lingering task must see bob, never admin.
        await sessions.AuthenticateAsync(session, "bob", "secret");
        await sessions.DisconnectAsync(session);
        session.State.Should().Be(SessionState.Destroyed);
        release.SetResult();
        var seen = await lingering;

        seen.Current.Should().BeNull();
        seen.Id.Should().Be(0UL);
        seen.Sync.Should().Be(0UL);
        seen.Exists.Should().BeFalse();
        seen.Type.Should().Be(SessionType.Background);
        seen.StorageThrew.Should().BeTrue();
        seen.User.Should().Be("bob");
        seen.EffectiveUser.Should().Be("bob");
    }

    [Fact]
    public async Task Enter_TaskOutlivingItsRequestScope_KeepsTheRequestAfterItsOwnNestedScopesExit()
    {
        // design.md: work started from a request keeps that client's session and user and never silently becomes
        // admin. The task's own scopes (a Su, a nested request) must restore what it inherited, not skip past it.
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Task<((Session?, string, string) AfterSu, (Session?, string, string) AfterEnter)> lingering;
        using (sessions.Enter(session, 5))
        {
            lingering = Task.Run(async () =>
            {
                started.SetResult();
                await release.Task;
                using (sessions.Su("guest"))
                {
                }

                var afterSu = (sessions.Current, sessions.User, sessions.EffectiveUser);
                using (sessions.Enter(session, 6))
                {
                }

                return (afterSu, (sessions.Current, sessions.User, sessions.EffectiveUser));
            });
            await started.Task;
        }

        // The request scope has exited, but the session is still open and the task still runs for it.
        release.SetResult();
        var seen = await lingering;

        seen.AfterSu.Should().Be((session, "guest", "guest"));
        seen.AfterEnter.Should().Be((session, "guest", "guest"));
    }

    [Fact]
    public async Task Storage_OutsideAnySession_ThrowsInvalidOperationException()
    {
        await using var sessions = new SessionManager(directory: _users);
        await sessions.ConnectAsync(SessionType.Binary);

        var act = () => sessions.Storage;

        act.Should().Throw<InvalidOperationException>().WithMessage("*no current session*");
    }

    [Fact]
    public async Task Enter_ScopeLeftByException_DoesNotLeak()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);

        var act = () =>
        {
            using (sessions.Enter(session, 3))
            {
                throw new InvalidOperationException("boom");
            }
        };

        act.Should().Throw<InvalidOperationException>().WithMessage("boom");
        sessions.Current.Should().BeNull();
        sessions.Sync.Should().Be(0UL);
        await sessions.DisconnectAsync(session);
        session.State.Should().Be(SessionState.Destroyed, "the request reference was released by the exception path");
    }

    [Fact]
    public async Task Enter_ScopesOfTwoSessionsDisposedOutOfOrder_NeverLeak()
    {
        await using var sessions = new SessionManager(directory: _users);
        var first = await sessions.ConnectAsync(SessionType.Binary);
        var second = await sessions.ConnectAsync(SessionType.Console);

        var outer = sessions.Enter(first, 1);
        var inner = sessions.Enter(second, 2);
        outer.Dispose();

        sessions.Current.Should().BeSameAs(second, "the inner scope is still open");
        sessions.Sync.Should().Be(2UL);

        inner.Dispose();

        sessions.Current.Should().BeNull("both scopes are gone; the outer one must not come back");
        sessions.Sync.Should().Be(0UL);
        sessions.Type.Should().Be(SessionType.Background);
    }

    [Fact]
    public async Task Enter_NestedRequestsOfOneSession_InnerExitRestoresOuterSync()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);

        using (sessions.Enter(session, 1))
        {
            using (sessions.Enter(session, 2))
            {
                sessions.Sync.Should().Be(2UL);
            }

            sessions.Sync.Should().Be(1UL);
            sessions.Current.Should().BeSameAs(session);
        }

        sessions.Sync.Should().Be(0UL);
    }

    [Fact]
    public async Task Enter_InsideAsyncMethodThatReturns_DoesNotFlowBackToCaller()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);

        async Task<ulong> HandleRequestAsync()
        {
            using (sessions.Enter(session, 11))
            {
                await Task.Yield();
                return sessions.Sync;
            }
        }

        var inside = await HandleRequestAsync();

        inside.Should().Be(11UL);
        sessions.Current.Should().BeNull();
        sessions.Sync.Should().Be(0UL);
    }

    [Fact]
    public async Task Ambient_TwoManagers_AreIndependent()
    {
        await using var first = new SessionManager(directory: _users);
        await using var second = new SessionManager(directory: _users);
        var session = await first.ConnectAsync(new ConnectOptions { User = "tester" });
        var other = await second.ConnectAsync(SessionType.Binary);

        using (first.Enter(session, 4))
        {
            first.Current.Should().BeSameAs(session);
            second.Current.Should().BeNull();
            second.User.Should().Be("admin");
            second.Sync.Should().Be(0UL);
        }

        session.Id.Should().Be(1UL);
        other.Id.Should().Be(1UL, "each manager numbers its own sessions");
    }

    [Fact]
    public async Task Exists_NoArgument_TrueOnlyWhileInsideARegisteredSession()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);

        sessions.Exists().Should().BeFalse();
        bool inside;
        using (sessions.Enter(session, 1))
        {
            inside = sessions.Exists();
        }

        inside.Should().BeTrue();
        sessions.Exists().Should().BeFalse();
    }

    [Fact]
    public async Task Ambient_InsideSessionWithoutNetworkPeer_PeerIsNull()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Applier);

        using (sessions.Enter(session, 1))
        {
            sessions.Peer().Should().BeNull();
            sessions.Type.Should().Be(SessionType.Applier);
        }
    }
}
