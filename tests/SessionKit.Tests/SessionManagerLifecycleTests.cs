using System.Net;
using System.Net.Sockets;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests;

/// <summary>Connect → requests → close → destroy → shutdown (design.md "Lifecycle", spec §4.1).</summary>
public sealed class SessionManagerLifecycleTests
{
    private static readonly SessionKey<string> Key = new("key");
    private readonly FastUserDirectory _users = new();

    public SessionManagerLifecycleTests()
    {
        _users.Add("tester");
        _users.Add("nosess", mayConnect: false);
    }

    [Fact]
    public async Task ConnectAsync_NewSessions_AreOpenGuestsWithRisingIds()
    {
        var time = new TimerCountingTimeProvider();
        await using var sessions = new SessionManager(directory: _users, timeProvider: time);

        var first = await sessions.ConnectAsync(SessionType.Binary);
        time.Advance(TimeSpan.FromSeconds(3));
        var second = await sessions.ConnectAsync(SessionType.Console);

        first.Id.Should().Be(1UL);
        second.Id.Should().Be(2UL);
        first.State.Should().Be(SessionState.Open);
        first.User.Should().Be(SessionUser.Guest);
        first.Type.Should().Be(SessionType.Binary);
        second.Type.Should().Be(SessionType.Console);
        first.ConnectedAt.Should().Be(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        second.ConnectedAt.Should().Be(first.ConnectedAt.AddSeconds(3));
        first.Closed.IsCancellationRequested.Should().BeFalse();
        first.Manager.Should().BeSameAs(sessions);
        sessions.Count.Should().Be(2);
        sessions.Exists(first.Id).Should().BeTrue();
        sessions.GetSession(second.Id).Should().BeSameAs(second);
    }

    [Theory]
    [InlineData("ipv4", "127.0.0.1:55457")]
    [InlineData("ipv6", "[::1]:5000")]
    [InlineData("unix", "unix/:/tmp/sessionkit.sock")]
    [InlineData("dns", "example.org:80")]
    [InlineData("none", null)]
    public async Task ConnectAsync_Peer_IsCapturedInTarantoolFormat(string kind, string? expected)
    {
        await using var sessions = new SessionManager(directory: _users);
        EndPoint? peer = kind switch
        {
            "ipv4" => new IPEndPoint(IPAddress.Loopback, 55457),
            "ipv6" => new IPEndPoint(IPAddress.IPv6Loopback, 5000),
            "unix" => new UnixDomainSocketEndPoint("/tmp/sessionkit.sock"),
            "dns" => new DnsEndPoint("example.org", 80),
            _ => null,
        };

        var session = await sessions.ConnectAsync(SessionType.Binary, peer);

        session.Peer.Should().Be(expected);
        sessions.Peer(session.Id).Should().Be(expected);
    }

    [Fact]
    public async Task ConnectAsync_PreAuthenticatedUser_StartsAsThatUserWithoutOnAuth()
    {
        await using var sessions = new SessionManager(directory: _users);
        var authRuns = 0;
        sessions.OnAuth.Add(_ =>
        {
            Interlocked.Increment(ref authRuns);
            return ValueTask.CompletedTask;
        });

        var session = await sessions.ConnectAsync(new ConnectOptions { User = "tester", Type = SessionType.Binary });

        session.User.Name.Should().Be("tester");
        sessions.Users.SessionsOf("tester").Should().ContainSingle().Which.Should().BeSameAs(session);
        authRuns.Should().Be(0);
    }

    [Fact]
    public async Task ConnectAsync_UnknownPreAuthenticatedUser_ThrowsUserNotFoundAndRegistersNothing()
    {
        await using var sessions = new SessionManager(directory: _users);

        var act = async () => await sessions.ConnectAsync(new ConnectOptions { User = "nosuch" });

        (await act.Should().ThrowAsync<UserNotFoundException>()).Which.Message.Should().Be("User 'nosuch' is not found");
        sessions.Count.Should().Be(0);
        sessions.GetSessions().Should().BeEmpty();
    }

    [Fact]
    public async Task ConnectAsync_PreAuthenticatedUserThatMayNotConnect_ThrowsAccessDeniedAndFiresTrigger()
    {
        await using var sessions = new SessionManager(directory: _users);
        var denied = new List<(string, string, string, string)>();
        sessions.OnAccessDenied.Add(c =>
        {
            denied.Add((c.Access, c.ObjectType, c.ObjectName, c.UserName));
            return ValueTask.CompletedTask;
        });

        var act = async () => await sessions.ConnectAsync(new ConnectOptions { User = "nosess" });

        (await act.Should().ThrowAsync<AccessDeniedException>()).Which.Message.Should().Be("Session access is denied for user 'nosess'");
        denied.Should().Equal(("Session", "universe", string.Empty, "nosess"));
        sessions.Count.Should().Be(0);
        sessions.Users.SessionsOf("nosess").Should().BeEmpty();
    }

    [Fact]
    public async Task ConnectAsync_CancelledToken_ThrowsAndRegistersNothing()
    {
        await using var sessions = new SessionManager(directory: _users);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var act = async () => await sessions.ConnectAsync(SessionType.Binary, null, cancelled.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        sessions.Count.Should().Be(0);
    }

    [Fact]
    public async Task DisconnectAsync_OpenSession_DestroysItAndClearsStorage()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(new ConnectOptions { User = "tester", Peer = new IPEndPoint(IPAddress.Loopback, 3301) });
        session.Storage.Set(Key, "value");
        session.Storage.Set("plain", 42);
        var storage = session.Storage;

        await sessions.DisconnectAsync(session);

        session.State.Should().Be(SessionState.Destroyed);
        session.Closed.IsCancellationRequested.Should().BeTrue();
        sessions.Exists(session.Id).Should().BeFalse();
        sessions.Count.Should().Be(0);
        sessions.TryGetSession(session.Id, out _).Should().BeFalse();
        sessions.Users.SessionsOf("tester").Should().BeEmpty();
        storage.Count.Should().Be(0);
        storage.Get(Key).Should().BeNull();
        storage.Get("plain").Should().BeNull();
        var write = () => storage.Set(Key, "again");
        write.Should().Throw<SessionClosedException>().Which.SessionId.Should().Be(session.Id);

        // A destroyed session stays safe to hold: its identity is still readable.
        session.Id.Should().Be(1UL);
        session.Type.Should().Be(SessionType.Binary);
        session.Peer.Should().Be("127.0.0.1:3301");
        session.User.Name.Should().Be("tester");
    }

    [Fact]
    public async Task DisconnectAsync_CalledTwice_ClosesOnce()
    {
        await using var sessions = new SessionManager(directory: _users);
        var runs = 0;
        sessions.OnDisconnect.Add(_ =>
        {
            Interlocked.Increment(ref runs);
            return ValueTask.CompletedTask;
        });
        var session = await sessions.ConnectAsync(SessionType.Binary);

        await sessions.DisconnectAsync(session);
        await sessions.DisconnectAsync(session);

        runs.Should().Be(1);
        session.State.Should().Be(SessionState.Destroyed);
        sessions.Count.Should().Be(0);
    }

    [Fact]
    public async Task DisconnectAsync_ClosedTokenTakenBeforehand_FiresOnClose()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);
        var token = session.Closed;
        var fired = false;
        using var registration = token.Register(() => fired = true);

        token.IsCancellationRequested.Should().BeFalse();
        await sessions.DisconnectAsync(session);

        fired.Should().BeTrue();
    }

    [Fact]
    public async Task Enter_AfterDisconnect_ThrowsSessionClosedException()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);
        await sessions.DisconnectAsync(session);

        var act = () => sessions.Enter(session, 1);

        act.Should().Throw<SessionClosedException>().Which.SessionId.Should().Be(session.Id);
        sessions.Current.Should().BeNull();
    }

    [Fact]
    public async Task DisconnectAsync_WithRequestInFlight_DestroysOnlyWhenTheScopeExits()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);
        session.Storage.Set(Key, "before");

        var scope = sessions.Enter(session, 8);
        await sessions.DisconnectAsync(session);

        session.State.Should().Be(SessionState.Closed);
        sessions.Exists(session.Id).Should().BeTrue();
        sessions.Count.Should().Be(1);
        sessions.Sync.Should().Be(0UL, "a request still running after close reads sync 0 (§2.5)");
        sessions.Storage.Get(Key).Should().Be("before");
        sessions.Storage.Set(Key, "during");
        sessions.Storage.Get(Key).Should().Be("during");

        scope.Dispose();

        session.State.Should().Be(SessionState.Destroyed);
        sessions.Exists(session.Id).Should().BeFalse();
        sessions.Count.Should().Be(0);
        session.Storage.Count.Should().Be(0);
    }

    [Fact]
    public async Task DisconnectAsync_OnDisconnectRunning_SessionStillRegisteredWithStorageAndPeer()
    {
        await using var sessions = new SessionManager(directory: _users);
        (bool Exists, string? Value, string? Peer, ulong Sync, string EffectiveUser, Session? Current, SessionState State) seen = default;
        sessions.OnDisconnect.Add(c =>
        {
            seen = (sessions.Exists(c.Session.Id), sessions.Storage.Get(Key), sessions.Peer(), sessions.Sync, sessions.EffectiveUser, sessions.Current, c.Session.State);
            return ValueTask.CompletedTask;
        });
        var session = await sessions.ConnectAsync(SessionType.Binary, new IPEndPoint(IPAddress.Loopback, 4444));
        session.Storage.Set(Key, "kept");

        await sessions.DisconnectAsync(session);

        seen.Exists.Should().BeTrue();
        seen.Value.Should().Be("kept");
        seen.Peer.Should().Be("127.0.0.1:4444");
        seen.Sync.Should().Be(0UL);
        seen.EffectiveUser.Should().Be("admin");
        seen.Current.Should().BeSameAs(session);
        seen.State.Should().Be(SessionState.Closed);
        session.State.Should().Be(SessionState.Destroyed);
    }

    [Fact]
    public async Task DisconnectAsync_OnDisconnectAwaits_DestroyWaitsForIt()
    {
        // spec gh-4627: a yielding on_disconnect never sees a destroyed session.
        await using var sessions = new SessionManager(directory: _users);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        (ulong Before, ulong After) ids = default;
        sessions.OnDisconnect.Add(async _ =>
        {
            var before = sessions.Id;
            entered.SetResult();
            await release.Task;
            ids = (before, sessions.Id);
        });
        var session = await sessions.ConnectAsync(SessionType.Binary);

        var closing = sessions.DisconnectAsync(session).AsTask();
        await entered.Task;

        session.State.Should().Be(SessionState.Closed);
        sessions.Exists(session.Id).Should().BeTrue();
        release.SetResult();
        await closing;

        ids.Before.Should().Be(session.Id);
        ids.After.Should().Be(session.Id);
        session.State.Should().Be(SessionState.Destroyed);
    }

    [Fact]
    public async Task Type_SetByHost_ChangesTheSessionsType()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(new SessionType("c2s_unauthed"));

        session.Type = new SessionType("c2s");

        session.Type.Name.Should().Be("c2s");
        using (sessions.Enter(session, 1))
        {
            sessions.Type.Should().Be(new SessionType("c2s"));
        }
    }

    [Fact]
    public async Task GetSessions_ReturnsSnapshotOrderedById()
    {
        await using var sessions = new SessionManager(directory: _users);
        var created = new List<Session>();
        for (var i = 0; i < 5; i++)
        {
            created.Add(await sessions.ConnectAsync(SessionType.Binary));
        }

        var snapshot = sessions.GetSessions();
        await sessions.DisconnectAsync(created[2]);
        await sessions.ConnectAsync(SessionType.Binary);

        snapshot.Select(s => s.Id).Should().Equal(1UL, 2UL, 3UL, 4UL, 5UL);
        sessions.GetSessions().Select(s => s.Id).Should().Equal(1UL, 2UL, 4UL, 5UL, 6UL);
    }

    [Fact]
    public async Task DisposeAsync_WithOpenSessions_ClosesAndDestroysEachOnce()
    {
        var sessions = new SessionManager(directory: _users);
        var runs = new List<ulong>();
        sessions.OnDisconnect.Add(c =>
        {
            lock (runs)
            {
                runs.Add(c.Session.Id);
            }

            return ValueTask.CompletedTask;
        });
        var opened = new[] { await sessions.ConnectAsync(SessionType.Binary), await sessions.ConnectAsync(SessionType.Console), await sessions.ConnectAsync(SessionType.Repl) };

        await sessions.DisposeAsync();

        runs.Should().BeEquivalentTo(new[] { 1UL, 2UL, 3UL });
        opened.Should().OnlyContain(s => s.State == SessionState.Destroyed);
        opened.Should().OnlyContain(s => s.Closed.IsCancellationRequested);
    }

    [Fact]
    public async Task DisposeAsync_WithRequestInFlight_DestroysWhenTheScopeExits()
    {
        var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);
        session.Storage.Set(Key, "in flight");
        var scope = sessions.Enter(session, 1);

        await sessions.DisposeAsync();

        session.State.Should().Be(SessionState.Closed);
        session.Storage.Get(Key).Should().Be("in flight");
        scope.Dispose();
        session.State.Should().Be(SessionState.Destroyed);
        session.Storage.Count.Should().Be(0);
    }

    [Fact]
    public async Task DisposeAsync_HangingOnDisconnect_IsBoundedByShutdownTimeout()
    {
        var time = new TimerCountingTimeProvider();
        var options = new SessionManagerOptions { ShutdownTimeout = TimeSpan.FromSeconds(30) };
        var sessions = new SessionManager(options, _users, timeProvider: time);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource();
        sessions.OnDisconnect.Add(async c =>
        {
            entered.SetResult();
            try
            {
                await never.Task.WaitAsync(c.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                cancelled.SetResult(true);
                throw;
            }
        });
        await sessions.ConnectAsync(SessionType.Binary);

        var disposing = sessions.DisposeAsync().AsTask();
        await entered.Task;
        disposing.IsCompleted.Should().BeFalse("shutdown waits for on_disconnect until the timeout");
        time.LiveTimers.Should().Be(1, "shutdown armed its timeout on the manager's clock");
        time.Advance(TimeSpan.FromSeconds(30));

        await disposing.WaitAsync(TimeSpan.FromSeconds(30));
        (await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(30))).Should().BeTrue("the trigger's token fires when shutdown gives up");
        var act = () => sessions.Count;
        act.Should().Throw<ObjectDisposedException>();
    }
}
