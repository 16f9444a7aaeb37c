using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.PerUser;

/// <summary>Issue 14 point 4: routing fans out concurrently, bounds each send, and handles a client that stopped reading.</summary>
public sealed class BackPressureTests : IAsyncDisposable
{
    private static readonly TimeSpan Watchdog = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(5);

    private readonly FastUserDirectory _users = new();
    private readonly FakeTimeProvider _time = new();
    private readonly FakeLoggerProvider _logs = new();
    private SessionManager? _manager;

    public BackPressureTests()
    {
        _users.Add("alice");
        _users.Add("bob");
    }

    public async ValueTask DisposeAsync()
    {
        if (_manager is not null)
        {
            await _manager.DisposeAsync();
        }
    }

    public static TheoryData<string> Routes => new() { "all", "available", "interested", "sessions" };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task StuckClient_DoesNotBlockTheOthers_IsNotCounted_AndIsClosedAsSlowConsumer(string route)
    {
        var manager = Manager(new SessionManagerOptions { SendTimeout = SendTimeout });
        var disconnected = new TaskCompletionSource<SessionTriggerContext>(TaskCreationOptions.RunContinuationsAsynchronously);
        manager.OnDisconnect.Add(ctx =>
        {
            disconnected.TrySetResult(ctx);
            return default;
        });
        var never = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stuck = new GatedConnection { SendGate = never.Task };
        var fast1 = new GatedConnection();
        var fast2 = new GatedConnection();
        var stuckSession = await ConnectAliceAsync(manager, stuck);
        await ConnectAliceAsync(manager, fast1);
        await ConnectAliceAsync(manager, fast2);

        var send = Route(manager, route, "hello");

        fast1.Sent.Should().Equal("hello");
        fast2.Sent.Should().Equal("hello");
        send.IsCompleted.Should().BeFalse("the stuck send is still within its timeout");

        _time.Advance(SendTimeout);

        (await send.WaitAsync(Watchdog)).Should().Be(2);
        var context = await disconnected.Task.WaitAsync(Watchdog);
        context.Session.Should().BeSameAs(stuckSession);
        context.Reason.Should().BeSameAs(SessionCloseReason.SlowConsumer);
        stuck.Closes.Should().Equal(SessionCloseReason.SlowConsumer);
        stuck.Sent.Should().BeEmpty();
        _logs.Collector.GetSnapshot().Should().ContainSingle(r => r.Id.Id == 50 && r.Id.Name == "SendTimedOut")
            .Which.GetStructuredStateValue("SessionId").Should().Be(stuckSession.Id.AsLogged());
    }

    [Fact]
    public async Task IgnorePolicy_KeepsTheSlowSessionOpen_AndCountsItAsNotDelivered()
    {
        var manager = Manager(new SessionManagerOptions { SendTimeout = SendTimeout, SlowConsumerPolicy = SlowConsumerPolicy.Ignore });
        var never = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stuck = new GatedConnection { SendGate = never.Task };
        var stuckSession = await ConnectAliceAsync(manager, stuck);
        await ConnectAliceAsync(manager, new GatedConnection());

        var send = manager.Users.SendToAllAsync("alice", "hello").AsTask();
        _time.Advance(SendTimeout);

        (await send.WaitAsync(Watchdog)).Should().Be(1);
        stuckSession.State.Should().Be(SessionState.Open);
        stuck.Closes.Should().BeEmpty();
        _logs.Collector.GetSnapshot().Should().ContainSingle(r => r.Id.Id == 50);
    }

    [Fact]
    public async Task Sends_StartConcurrently_TheSecondBeforeTheFirstCompletes()
    {
        var manager = Manager(new SessionManagerOptions { SendTimeout = Timeout.InfiniteTimeSpan });
        var firstGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = new GatedConnection { SendGate = firstGate.Task };
        var second = new GatedConnection { SendGate = secondGate.Task };
        await ConnectAliceAsync(manager, first);
        await ConnectAliceAsync(manager, second);

        var send = manager.Users.SendToAllAsync("alice", "hello").AsTask();

        // A sequential fan-out would wait for the first send before starting the second: this would hang.
        await second.SendStarted.WaitAsync(Watchdog);
        first.SendStarted.IsCompleted.Should().BeTrue();
        first.Sent.Should().BeEmpty("the first send has not completed");
        send.IsCompleted.Should().BeFalse();

        secondGate.SetResult();
        firstGate.SetResult();

        (await send.WaitAsync(Watchdog)).Should().Be(2);
        first.Sent.Should().Equal("hello");
        second.Sent.Should().Equal("hello");
    }

    [Fact]
    public async Task SynchronousSends_CompleteSynchronously_WithAnExactCount()
    {
        var manager = Manager();
        var connections = Enumerable.Range(0, 3).Select(_ => new GatedConnection()).ToList();
        foreach (var connection in connections)
        {
            await ConnectAliceAsync(manager, connection);
        }

        var send = manager.Users.SendToAllAsync("alice", "hello");

        send.IsCompletedSuccessfully.Should().BeTrue();
        send.Result.Should().Be(3);
        connections.Should().OnlyContain(c => c.Sent.Count == 1);
    }

    [Fact]
    public async Task SendToSessions_ReachesSessionsOfEveryUser_AndSkipsClosedOnes()
    {
        var manager = Manager();
        var guest = new GatedConnection();
        var bob = new GatedConnection();
        var gone = new GatedConnection();
        var sessions = new[]
        {
            await manager.ConnectAsync(new ConnectOptions { Connection = guest }),
            await manager.ConnectAsync(new ConnectOptions { User = "bob", Connection = bob }),
            await manager.ConnectAsync(new ConnectOptions { Connection = gone }),
        };
        await manager.DisconnectAsync(sessions[2]);

        (await manager.Users.SendToSessionsAsync(sessions, "hi")).Should().Be(2);
        guest.Sent.Should().Equal("hi");
        bob.Sent.Should().Equal("hi");
        gone.Sent.Should().BeEmpty();
    }

    [Fact]
    public async Task SendToSessions_RefusesAnotherManagersSession()
    {
        var manager = Manager();
        await using var other = new SessionManager();
        var foreign = await other.ConnectAsync(SessionType.Binary);

        var act = async () => await manager.Users.SendToSessionsAsync([foreign], "hi");

        await act.Should().ThrowAsync<ArgumentException>();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void SendTimeout_MustBePositive(int seconds)
    {
        var act = () => new SessionManager(new SessionManagerOptions { SendTimeout = TimeSpan.FromSeconds(seconds) });

        act.Should().Throw<ArgumentException>().WithMessage("*SessionManagerOptions.SendTimeout*");
    }

    [Fact]
    public async Task SendTimeout_MayBeInfinite_AndSlowConsumerPolicyMustBeDefined()
    {
        await using var infinite = new SessionManager(new SessionManagerOptions { SendTimeout = Timeout.InfiniteTimeSpan });
        var act = () => new SessionManager(new SessionManagerOptions { SlowConsumerPolicy = (SlowConsumerPolicy)7 });

        act.Should().Throw<ArgumentException>().WithMessage("*SessionManagerOptions.SlowConsumerPolicy*");
        new SessionManagerOptions().SendTimeout.Should().Be(SessionManagerOptions.DefaultSendTimeout);
        new SessionManagerOptions().SlowConsumerPolicy.Should().Be(SlowConsumerPolicy.Close);
    }

    private static async Task<Session> ConnectAliceAsync(SessionManager manager, GatedConnection connection)
    {
        var session = await manager.ConnectAsync(new ConnectOptions { User = "alice", Connection = connection });
        session.IsAvailable = true;
        session.IsInterested = true;
        return session;
    }

    private static Task<int> Route(SessionManager manager, string route, object message) => route switch
    {
        "all" => manager.Users.SendToAllAsync("alice", message).AsTask(),
        "available" => manager.Users.SendToAvailableAsync("alice", message).AsTask(),
        "interested" => manager.Users.SendToInterestedAsync("alice", message).AsTask(),
        _ => manager.Users.SendToSessionsAsync(manager.Users.SessionsOf("alice"), message).AsTask(),
    };

    private SessionManager Manager(SessionManagerOptions? options = null)
    {
        _manager = new SessionManager(options, _users, _logs.CreateFactory(), _time);
        return _manager;
    }
}
