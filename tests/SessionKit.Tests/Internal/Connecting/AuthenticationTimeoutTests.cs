using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.Internal.Connecting;

/// <summary>xmpp-sessions.md §3 case 26: a session still unauthenticated after the timeout is closed with connection-timeout.</summary>
public sealed class AuthenticationTimeoutTests
{
    private readonly TimerCountingTimeProvider _time = new();
    private readonly FastUserDirectory _users = new();

    public AuthenticationTimeoutTests() => _users.Add("alice");

    [Fact]
    public async Task UnauthenticatedSession_IsClosedWithConnectionTimeout()
    {
        await using var manager = new SessionManager(new SessionManagerOptions { AuthenticationTimeout = TimeSpan.FromMinutes(5) }, _users, timeProvider: _time);
        var closed = new TaskCompletionSource<SessionCloseReason?>(TaskCreationOptions.RunContinuationsAsynchronously);
        manager.OnDisconnect.Add(c => { closed.TrySetResult(null); return default; });
        var connection = new RecordingConnection();
        var session = await manager.ConnectAsync(new ConnectOptions { Connection = connection });

        _time.Advance(TimeSpan.FromMinutes(4));
        session.State.Should().Be(SessionState.Open);
        _time.Advance(TimeSpan.FromMinutes(1));
        await closed.Task;

        connection.Closes.Should().Equal(SessionCloseReason.ConnectionTimeout);
        SessionCloseReason.ConnectionTimeout.Condition.Should().Be("connection-timeout");
    }

    [Fact]
    public async Task AuthenticatedSession_IsNotClosedByTheTimer()
    {
        await using var manager = new SessionManager(new SessionManagerOptions { AuthenticationTimeout = TimeSpan.FromMinutes(5) }, _users, timeProvider: _time);
        var connection = new RecordingConnection();
        var session = await manager.ConnectAsync(new ConnectOptions { Connection = connection });
        await manager.AuthenticateAsync(session, "alice", "secret");

        _time.Advance(TimeSpan.FromMinutes(10));

        session.State.Should().Be(SessionState.Open);
        connection.Closes.Should().BeEmpty();
        _time.LiveTimers.Should().Be(0, "authentication disposes the timer");
    }

    [Fact]
    public async Task DestroyedSession_DisposesItsTimer()
    {
        await using var manager = new SessionManager(new SessionManagerOptions { AuthenticationTimeout = TimeSpan.FromMinutes(5) }, _users, timeProvider: _time);
        var session = await manager.ConnectAsync(SessionType.Binary);
        _time.LiveTimers.Should().Be(1);
        await manager.DisconnectAsync(session);
        _time.LiveTimers.Should().Be(0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void NonPositiveTimeout_IsRejectedByName(int seconds)
    {
        var act = () => new SessionManager(new SessionManagerOptions { AuthenticationTimeout = TimeSpan.FromSeconds(seconds) });
        act.Should().Throw<ArgumentException>().WithMessage("*SessionManagerOptions.AuthenticationTimeout*").Which.ParamName.Should().Be("options");
    }
}
