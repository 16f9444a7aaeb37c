using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using SessionKit.Internal;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.Internal.Idle;

/// <summary>
/// Tarantool case 82 (3.8 <c>session.users.&lt;name&gt;.idle_timeout</c>): an idle session is closed with
/// <c>connection-timeout</c>; a session inside a request scope never is; other users are unaffected.
/// <see cref="SessionManagerOptions.IdleTimeout"/> with the default 1 s sweep; the clock moves only when a test moves it.
/// </summary>
public sealed class IdleTimeoutTests
{
    internal static readonly TimeSpan Timeout10 = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new();
    private readonly FastUserDirectory _users = new();

    public IdleTimeoutTests()
    {
        _users.Add("alice");
        _users.Add("bob");
    }

    /// <summary>Moves the clock one sweep interval at a time, so every sweep runs.</summary>
    internal static void Tick(FakeTimeProvider time, int seconds)
    {
        for (var i = 0; i < seconds; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public async Task IdleAuthenticatedSession_IsClosedWithConnectionTimeout_AndOnDisconnectRunsOnce()
    {
        await using var manager = Manager((user, _) => user.Name == "alice" ? Timeout10 : null);
        var disconnects = 0;
        SessionCloseReason? reasonSeen = null;
        manager.OnDisconnect.Add(c =>
        {
            Interlocked.Increment(ref disconnects);
            reasonSeen = c.Session.ExtrasOrNull?.CloseReason;
            return default;
        });
        var connection = new RecordingConnection();
        var session = await manager.ConnectAsync(new ConnectOptions { Connection = connection });
        await manager.AuthenticateAsync(session, "alice", "secret");

        Tick(_time, 10);
        session.State.Should().Be(SessionState.Open, "it has been idle for the timeout, not longer");

        Tick(_time, 2);
        session.State.Should().Be(SessionState.Destroyed, "closed within two sweep intervals after the timeout");
        connection.Closes.Should().Equal(SessionCloseReason.IdleTimeout);
        reasonSeen.Should().Be(SessionCloseReason.IdleTimeout);
        SessionCloseReason.IdleTimeout.Condition.Should().Be("connection-timeout");
        manager.Exists(session.Id).Should().BeFalse();

        Tick(_time, 30);
        disconnects.Should().Be(1);
        FluentActions.Invoking(() => manager.Enter(session)).Should().Throw<SessionClosedException>();
    }

    [Fact]
    public async Task SessionInsideAnOpenScope_IsNeverClosed_AndTheClockRestartsWhenTheScopeExits()
    {
        await using var manager = Manager((_, _) => Timeout10);
        var session = await manager.ConnectAsync(new ConnectOptions { User = "alice" });

        var scope = manager.Enter(session, 42);
        Tick(_time, 600);
        session.State.Should().Be(SessionState.Open, "a request in flight is never cut");
        manager.Sync.Should().Be(42UL);
        scope.Dispose();

        Tick(_time, 10);
        session.State.Should().Be(SessionState.Open, "the idle clock restarted when the scope exited");
        Tick(_time, 2);
        session.State.Should().Be(SessionState.Destroyed);
    }

    [Fact]
    public async Task RequestsMoreOftenThanTheTimeout_KeepTheSessionOpen()
    {
        await using var manager = Manager((_, _) => Timeout10);
        var session = await manager.ConnectAsync(new ConnectOptions { User = "alice" });

        for (var i = 0; i < 100; i++)
        {
            Tick(_time, 8);
            using (manager.Enter(session, (ulong)i))
            {
            }
        }

        session.State.Should().Be(SessionState.Open, "800 s passed, but never more than 8 s without a request");
    }

    [Fact]
    public async Task OtherUsers_WithNoTimeout_AreUnaffected()
    {
        await using var manager = Manager((user, _) => user.Name == "alice" ? Timeout10 : null);
        var alice = await manager.ConnectAsync(new ConnectOptions { User = "alice" });
        var bob = await manager.ConnectAsync(new ConnectOptions { User = "bob" });
        var admin = await manager.ConnectAsync(new ConnectOptions { User = "admin" });

        Tick(_time, 3600);

        alice.State.Should().Be(SessionState.Destroyed);
        bob.State.Should().Be(SessionState.Open);
        admin.State.Should().Be(SessionState.Open);
    }

    [Fact]
    public async Task GuestSessions_AreTimedByTheGuestsTimeout_UntilTheyAuthenticate()
    {
        await using var manager = Manager((user, _) => user.Name == "guest" ? TimeSpan.FromSeconds(5) : null);
        var idleGuest = await manager.ConnectAsync(SessionType.Binary);
        var authenticated = await manager.ConnectAsync(SessionType.Binary);
        Tick(_time, 3);
        await manager.AuthenticateAsync(authenticated, "alice", "secret");

        Tick(_time, 60);

        idleGuest.State.Should().Be(SessionState.Destroyed);
        authenticated.State.Should().Be(SessionState.Open, "alice has no idle timeout; the guest's no longer applies");
    }

    [Fact]
    public async Task Timeout_CanDependOnTheSessionType()
    {
        await using var manager = Manager((_, type) => type == SessionType.Console ? TimeSpan.FromSeconds(5) : null);
        var console = await manager.ConnectAsync(new ConnectOptions { User = "alice", Type = SessionType.Console });
        var binary = await manager.ConnectAsync(new ConnectOptions { User = "alice", Type = SessionType.Binary });

        Tick(_time, 60);

        console.State.Should().Be(SessionState.Destroyed);
        binary.State.Should().Be(SessionState.Open);
    }

    [Fact]
    public async Task OnSessionClosing_SeesTheIdleReason_AndMayRewriteIt()
    {
        await using var manager = Manager((_, _) => Timeout10);
        var rewritten = new SessionCloseReason("policy-violation", "Idle");
        SessionCloseReason? seen = null;
        manager.Admin.OnSessionClosing.Add(c =>
        {
            seen = c.Reason;
            c.Reason = rewritten;
            return default;
        });
        var connection = new RecordingConnection();
        var session = await manager.ConnectAsync(new ConnectOptions { User = "alice", Connection = connection });

        Tick(_time, 12);

        session.State.Should().Be(SessionState.Destroyed);
        seen.Should().Be(SessionCloseReason.IdleTimeout);
        connection.Closes.Should().Equal(rewritten);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public async Task NonPositiveTimeout_LeavesTheSessionOpen_AndIsLoggedOncePerSweep(int seconds)
    {
        using var logs = new FakeLoggerProvider();
        using var factory = logs.CreateFactory();
        await using var manager = new SessionManager(new SessionManagerOptions { IdleTimeout = (_, _) => TimeSpan.FromSeconds(seconds) }, _users, factory, _time);
        var sessions = new[] { await manager.ConnectAsync(SessionType.Binary), await manager.ConnectAsync(SessionType.Binary) };

        Tick(_time, 3);

        sessions.Should().OnlyContain(s => s.State == SessionState.Open);
        var errors = logs.Collector.GetSnapshot().Where(r => r.Id.Id == Log.IdleTimeoutInvalidId).ToArray();
        errors.Should().HaveCount(3, "one line per sweep, not one per session");
        errors.Should().OnlyContain(r => r.Level == LogLevel.Error && r.GetStructuredStateValue("Count") == "2" && r.Message.Contains("must be positive"));
    }

    [Fact]
    public async Task InfiniteTimeout_MeansNone_AndLogsNothing()
    {
        using var logs = new FakeLoggerProvider();
        using var factory = logs.CreateFactory();
        await using var manager = new SessionManager(new SessionManagerOptions { IdleTimeout = (_, _) => Timeout.InfiniteTimeSpan }, _users, factory, _time);
        var session = await manager.ConnectAsync(SessionType.Binary);

        Tick(_time, 30);

        session.State.Should().Be(SessionState.Open);
        logs.Collector.GetSnapshot().Where(r => r.Level >= LogLevel.Warning).Should().BeEmpty();
    }

    [Fact]
    public async Task ThrowingDelegate_LeavesTheSessionOpen_AndIsLogged_AndTheSweepGoesOn()
    {
        using var logs = new FakeLoggerProvider();
        using var factory = logs.CreateFactory();
        await using var manager = new SessionManager(
            new SessionManagerOptions { IdleTimeout = (user, _) => user.Name == "bob" ? throw new InvalidOperationException("boom") : Timeout10 },
            _users,
            factory,
            _time);
        var bob = await manager.ConnectAsync(new ConnectOptions { User = "bob" });
        var alice = await manager.ConnectAsync(new ConnectOptions { User = "alice" });

        Tick(_time, 12);

        bob.State.Should().Be(SessionState.Open);
        alice.State.Should().Be(SessionState.Destroyed, "one session's failure does not stop the sweep");
        logs.Collector.GetSnapshot().Should().Contain(r => r.Id.Id == Log.IdleTimeoutFailedId && r.Exception is InvalidOperationException);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void NonPositiveSweepInterval_IsRejectedByName(int seconds)
    {
        var act = () => new SessionManager(new SessionManagerOptions { IdleSweepInterval = TimeSpan.FromSeconds(seconds) });
        act.Should().Throw<ArgumentException>().WithMessage("*SessionManagerOptions.IdleSweepInterval must be positive*").And.ParamName.Should().Be("options");
    }

    [Fact]
    public void Defaults_AreNoIdleTimeouts_AndA1SecondSweep()
    {
        var options = new SessionManagerOptions();
        options.IdleTimeout.Should().BeNull();
        options.IdleSweepInterval.Should().Be(TimeSpan.FromSeconds(1));
        SessionManagerOptions.DefaultIdleSweepInterval.Should().Be(TimeSpan.FromSeconds(1));
    }

    private SessionManager Manager(Func<SessionUser, SessionType, TimeSpan?> idleTimeout) =>
        new(new SessionManagerOptions { IdleTimeout = idleTimeout }, _users, timeProvider: _time);
}
