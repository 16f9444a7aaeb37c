using Microsoft.Extensions.Time.Testing;
using SessionKit.Tests.PerUser;
using SessionKit.Tests.TestSupport;

using SessionKit.Tests.Internal.Idle;

namespace SessionKit.Tests;

/// <summary>Issue 14 point 3: <c>on_disconnect</c> tells a hang-up from a kick, a replacement, an idle timeout and shutdown.</summary>
public sealed class DisconnectReasonTests : IAsyncDisposable
{
    private static readonly TimeSpan Watchdog = TimeSpan.FromMinutes(1);

    private readonly FastUserDirectory _users = new();
    private readonly FakeTimeProvider _time = new();
    private readonly TaskCompletionSource<SessionTriggerContext> _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SessionManager? _manager;

    public DisconnectReasonTests()
    {
        _users.Add("alice");
    }

    public async ValueTask DisposeAsync()
    {
        if (_manager is not null)
        {
            await _manager.DisposeAsync();
        }
    }

    [Fact]
    public async Task OnConnect_HasNoReason()
    {
        var manager = Manager();
        SessionCloseReason? seen = SessionCloseReason.None;
        manager.OnConnect.Add(ctx =>
        {
            seen = ctx.Reason;
            return default;
        });

        await manager.ConnectAsync(SessionType.Binary);

        seen.Should().BeNull();
    }

    [Fact]
    public async Task HostDisconnect_WithoutReason_IsClientDisconnected()
    {
        var manager = Manager();
        var session = await manager.ConnectAsync(SessionType.Binary);

        await manager.DisconnectAsync(session);

        var context = await Disconnected();
        context.Reason.Should().BeSameAs(SessionCloseReason.ClientDisconnected);
        context.TransportException.Should().BeNull();
        context.Session.Should().BeSameAs(session);
    }

    [Fact]
    public async Task HostDisconnect_WithCancellationTokenOnly_IsClientDisconnected()
    {
        var manager = Manager();
        var session = await manager.ConnectAsync(SessionType.Binary);
        using var cts = new CancellationTokenSource();

        await manager.DisconnectAsync(session, cts.Token);

        (await Disconnected()).Reason.Should().BeSameAs(SessionCloseReason.ClientDisconnected);
    }

    [Fact]
    public async Task HostDisconnect_WithReasonAndException_PassesBoth()
    {
        var manager = Manager();
        var session = await manager.ConnectAsync(SessionType.Binary);
        var reason = new SessionCloseReason("connection-reset", "The peer reset the connection");
        var failure = new IOException("reset by peer");

        await manager.DisconnectAsync(session, reason, failure);

        var context = await Disconnected();
        context.Reason.Should().BeSameAs(reason);
        context.TransportException.Should().BeSameAs(failure);
    }

    [Fact]
    public async Task HostDisconnect_OnClosedSession_ChangesNothing()
    {
        var manager = Manager();
        var session = await manager.ConnectAsync(SessionType.Binary);
        await manager.DisconnectAsync(session);
        (await Disconnected()).Reason.Should().BeSameAs(SessionCloseReason.ClientDisconnected);

        await manager.DisconnectAsync(session, SessionCloseReason.Kicked, new IOException("late"));

        session.State.Should().Be(SessionState.Destroyed);
    }

    [Fact]
    public async Task Kick_IsKicked()
    {
        var manager = Manager();
        var session = await manager.ConnectAsync(new ConnectOptions { Connection = new RecordingConnection() });

        (await manager.Admin.KickAsync(session.Id)).Should().BeTrue();

        var context = await Disconnected();
        context.Reason.Should().BeSameAs(SessionCloseReason.Kicked);
        context.TransportException.Should().BeNull();
    }

    [Fact]
    public async Task KickOldReplacement_IsReplaced()
    {
        var manager = Manager(new SessionManagerOptions { ResourceConflictPolicy = ResourceConflictPolicy.KickOld });
        var old = await manager.ConnectAsync(new ConnectOptions { User = "alice", Connection = new RecordingConnection() });
        await manager.Users.BindResourceAsync(old, "phone");
        var newcomer = await manager.ConnectAsync(new ConnectOptions { User = "alice", Connection = new RecordingConnection() });

        await manager.Users.BindResourceAsync(newcomer, "phone");

        var context = await Disconnected();
        context.Session.Should().BeSameAs(old);
        context.Reason.Should().Be(SessionCloseReason.Replaced);
    }

    [Fact]
    public async Task Shutdown_IsSystemShutdown()
    {
        var manager = Manager();
        await manager.ConnectAsync(new ConnectOptions { Connection = new RecordingConnection() });

        await manager.DisposeAsync();

        (await Disconnected()).Reason.Should().BeSameAs(SessionCloseReason.SystemShutdown);
    }

    [Fact]
    public async Task IdleTimeout_IsIdleTimeout()
    {
        var manager = Manager(new SessionManagerOptions { IdleTimeout = (_, _) => IdleTimeoutTests.Timeout10 });
        await manager.ConnectAsync(new ConnectOptions { User = "alice", Connection = new RecordingConnection() });

        IdleTimeoutTests.Tick(_time, 12);

        (await Disconnected()).Reason.Should().BeSameAs(SessionCloseReason.IdleTimeout);
    }

    [Fact]
    public async Task OnSessionClosingRewrite_IsWhatOnDisconnectSees()
    {
        var manager = Manager();
        var rewritten = new SessionCloseReason("see-other-host", "Moved to another node");
        manager.Admin.OnSessionClosing.Add(ctx =>
        {
            ctx.Reason = rewritten;
            return default;
        });
        var connection = new RecordingConnection();
        var session = await manager.ConnectAsync(new ConnectOptions { Connection = connection });

        await manager.Admin.KickAsync(session.Id);

        (await Disconnected()).Reason.Should().BeSameAs(rewritten);
        connection.Closes.Should().Equal(rewritten);
    }

    [Fact]
    public async Task ServerReasonToldToClient_WinsOverTheHostsLaterDisconnect()
    {
        // The client is told "kicked", hangs up, and the host's read loop reports that with a reason of its own while
        // the kick still waits for the transport's close: the client was kicked, so that is the reason.
        var manager = Manager();
        var closeGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var connection = new GatedConnection { CloseGate = closeGate.Task };
        var session = await manager.ConnectAsync(new ConnectOptions { Connection = connection });
        var kick = manager.Admin.KickAsync(session.Id).AsTask();
        await connection.CloseStarted.WaitAsync(Watchdog);
        var failure = new IOException("closed by peer");

        await manager.DisconnectAsync(session, SessionCloseReason.ClientDisconnected, failure);

        var context = await Disconnected();
        context.Reason.Should().BeSameAs(SessionCloseReason.Kicked);
        context.TransportException.Should().BeSameAs(failure);
        closeGate.SetResult();
        await kick.WaitAsync(Watchdog);
    }

    private SessionManager Manager(SessionManagerOptions? options = null)
    {
        _manager = new SessionManager(options, _users, timeProvider: _time);
        _manager.OnDisconnect.Add(ctx =>
        {
            _disconnected.TrySetResult(ctx);
            return default;
        });
        return _manager;
    }

    private Task<SessionTriggerContext> Disconnected() => _disconnected.Task.WaitAsync(Watchdog);
}
