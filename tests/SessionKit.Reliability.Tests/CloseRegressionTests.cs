using Microsoft.Extensions.Time.Testing;
using SessionKit.Reliability.Tests.Support;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Reliability.Tests;

/// <summary>
/// Issue 12, defect 1: a close that was started finishes whatever happens to the caller that started it (a cancelled
/// token, a grace period longer than a timer accepts), so later closes, kicks, evictions, replacements and shutdown
/// still find a session they can close.
/// </summary>
/// <remarks>The watchdog only turns a hang into a failure; nothing here measures time.</remarks>
public sealed class CloseRegressionTests
{
    private static readonly TimeSpan Watchdog = TimeSpan.FromMinutes(1);

    public static TheoryData<string> Consumers => new() { "close", "kick", "kick-user", "kick-all", "close-user-sessions" };

    [Theory]
    [MemberData(nameof(Consumers))]
    public async Task ACloseCancelledWhileTheTransportIsClosing_StillEndsClosed_AndALaterCloseDoesNotReturnEarly(string consumer)
    {
        await using var h = new Harness(new SessionManagerOptions { CloseTimeout = Timeout.InfiniteTimeSpan });
        var gate = new Gate();
        var connection = new FaultyConnection { OnClose = gate.WaitAsync };
        var session = await h.M.ConnectAsync(new ConnectOptions { User = "alice", Connection = connection });
        using var cts = new CancellationTokenSource();

        var closing = Start(h.M, consumer, session, cts.Token);
        await gate.Reached.WaitAsync(Watchdog);
        await cts.CancelAsync();
        var thrown = await Record.ExceptionAsync(() => closing.WaitAsync(Watchdog));

        thrown.Should().Match<Exception?>(e => e == null || e is OperationCanceledException, "cancelling only stops the caller's wait");
        await session.CloseAsync().AsTask().WaitAsync(Watchdog);
        session.State.Should().NotBe(SessionState.Open, "a close that was started must finish; a later close must not return with the session still open");
        await h.Destroyed(session).WaitAsync(Watchdog);
        h.DisconnectsOf(session).Should().Be(1);
        h.M.Count.Should().Be(0);
    }

    [Fact]
    public async Task ACancelledClose_DoesNotMakeShutdownSkipTheSession()
    {
        var h = new Harness(new SessionManagerOptions { CloseTimeout = Timeout.InfiniteTimeSpan });
        var gate = new Gate();
        var session = await h.M.ConnectAsync(new ConnectOptions { Connection = new FaultyConnection { OnClose = gate.WaitAsync } });
        using var cts = new CancellationTokenSource();
        var closing = session.CloseAsync(SessionCloseReason.Kicked, null, cts.Token).AsTask();
        await gate.Reached.WaitAsync(Watchdog);
        await cts.CancelAsync();
        await Record.ExceptionAsync(() => closing.WaitAsync(Watchdog));

        await h.M.DisposeAsync().AsTask().WaitAsync(Watchdog);

        session.State.Should().NotBe(SessionState.Open, "shutdown closes every session");
        h.DisconnectsOf(session).Should().Be(1);
        h.Log.Count(EventLog.ShutdownTimedOut).Should().Be(0);
    }

    [Fact]
    public async Task ACloseStuckInAClosingTriggerPastTheShutdownTimeout_IsTakenOverByShutdown()
    {
        var h = new Harness(new SessionManagerOptions { ShutdownTimeout = TimeSpan.FromMilliseconds(200) });
        var gate = new Gate();
        h.M.Admin.OnSessionClosing.Add(_ => gate.WaitIgnoringCancellationAsync());
        var session = await h.M.ConnectAsync(new ConnectOptions { Connection = new FaultyConnection() });
        var closing = session.CloseAsync(SessionCloseReason.Kicked).AsTask();
        await gate.Reached.WaitAsync(Watchdog);

        await h.M.DisposeAsync().AsTask().WaitAsync(Watchdog);
        var stateAfterDispose = session.State;
        gate.Open();
        await closing.WaitAsync(Watchdog);

        stateAfterDispose.Should().NotBe(SessionState.Open, "no session outlives its manager open: shutdown takes over a close stuck in its polite part");
        await h.Destroyed(session).WaitAsync(Watchdog);
        h.DisconnectsOf(session).Should().Be(1, "the stuck close, once released, finds the session closed and does not disconnect it again");
        h.Log.Count(EventLog.ShutdownTimedOut).Should().Be(1);
    }

    [Fact]
    public async Task ATriggerTokenCallbackThatThrowsWhenShutdownGivesUp_DoesNotStopTheShutdownFromCompleting()
    {
        var h = new Harness(new SessionManagerOptions { ShutdownTimeout = TimeSpan.FromMilliseconds(200) });
        var gate = new Gate();
        h.M.OnDisconnect.Add(async ctx =>
        {
            ctx.CancellationToken.Register(() => throw new InjectedFault("a host callback on the trigger's token"));
            await gate.WaitAsync(ctx.CancellationToken);
        });
        var session = await h.M.ConnectAsync(SessionType.Binary);
        var disconnecting = h.M.DisconnectAsync(session).AsTask();
        await gate.Reached.WaitAsync(Watchdog);

        var thrown = await Record.ExceptionAsync(() => h.M.DisposeAsync().AsTask().WaitAsync(Watchdog));
        var again = await Record.ExceptionAsync(() => h.M.DisposeAsync().AsTask().WaitAsync(Watchdog));
        await Record.ExceptionAsync(() => disconnecting.WaitAsync(Watchdog));

        thrown.Should().BeNull("disposing never throws a host callback's failure");
        again.Should().BeNull("every DisposeAsync returns the same, completed shutdown");
        h.Log.Count(EventLog.ShutdownCompleted).Should().Be(1);
        h.M.Invoking(m => m.Count).Should().Throw<ObjectDisposedException>("the manager is disposed once shutdown completes");
        await h.Destroyed(session).WaitAsync(Watchdog);
        h.DisconnectsOf(session).Should().Be(1);
    }

    [Fact]
    public async Task ACancelledClose_DoesNotLeaveTheUserOverItsLimit_UnderEvictOldest()
    {
        await using var h = new Harness(new SessionManagerOptions
        {
            CloseTimeout = Timeout.InfiniteTimeSpan,
            MaxSessionsPerUser = _ => 1,
            SessionLimitPolicy = SessionLimitPolicy.EvictOldest,
        });
        var gate = new Gate();
        var oldest = await h.M.ConnectAsync(new ConnectOptions { User = "alice", Connection = new FaultyConnection { OnClose = gate.WaitAsync } });
        using var cts = new CancellationTokenSource();
        var closing = oldest.CloseAsync(SessionCloseReason.Kicked, null, cts.Token).AsTask();
        await gate.Reached.WaitAsync(Watchdog);
        await cts.CancelAsync();
        await Record.ExceptionAsync(() => closing.WaitAsync(Watchdog));

        var newcomer = await h.M.ConnectAsync(new ConnectOptions { User = "alice" }).AsTask().WaitAsync(Watchdog);

        oldest.State.Should().NotBe(SessionState.Open, "EvictOldest closes the oldest session for the newcomer");
        await h.Destroyed(oldest).WaitAsync(Watchdog);
        h.M.Users.SessionsOf("alice").Should().Equal(newcomer);
        h.DisconnectsOf(oldest).Should().Be(1);
    }

    [Fact]
    public async Task ACancelledClose_DoesNotMakeAKickOldBindOfItsResourceSpin()
    {
        await using var h = new Harness(new SessionManagerOptions { CloseTimeout = Timeout.InfiniteTimeSpan });
        var gate = new Gate();
        var owner = await h.M.ConnectAsync(new ConnectOptions { User = "alice", Connection = new FaultyConnection { OnClose = gate.WaitAsync } });
        var newcomer = await h.M.ConnectAsync(new ConnectOptions { User = "alice" });
        await h.M.Users.BindResourceAsync(owner, "phone");
        using var cts = new CancellationTokenSource();
        var closing = owner.CloseAsync(SessionCloseReason.Kicked, null, cts.Token).AsTask();
        await gate.Reached.WaitAsync(Watchdog);
        await cts.CancelAsync();
        await Record.ExceptionAsync(() => closing.WaitAsync(Watchdog));

        var bound = await h.M.Users.BindResourceAsync(newcomer, "phone").AsTask().WaitAsync(Watchdog);

        bound.Should().Be("phone");
        h.M.Users.FindResource("alice", "phone").Should().BeSameAs(newcomer);
        owner.State.Should().NotBe(SessionState.Open);
        h.DisconnectsOf(owner).Should().Be(1);
    }

    [Theory]
    [InlineData(50 * 24)]
    [InlineData(-1)] // TimeSpan.MaxValue
    public async Task AGracePeriodLongerThanATimerAccepts_Works_AndAKickEndsIt(int hours)
    {
        var time = new FakeTimeProvider();
        await using var h = new Harness(time: time);
        var connection = new FaultyConnection();
        var session = await h.M.ConnectAsync(new ConnectOptions { Connection = connection });
        var grace = hours < 0 ? TimeSpan.MaxValue : TimeSpan.FromHours(hours);

        var closing = session.CloseAsync(SessionCloseReason.None, grace).AsTask();
        var failedAtOnce = closing.IsFaulted ? closing.Exception!.InnerException : null;

        failedAtOnce.Should().BeNull("a long grace period is valid: the client may hang up whenever it likes");
        session.State.Should().Be(SessionState.Open, "the client is still within its grace period");
        connection.Closes.Should().Be(1, "the client was told");
        (await h.M.Admin.KickAsync(session.Id).AsTask().WaitAsync(Watchdog)).Should().BeFalse("the running close closes it");
        await closing.WaitAsync(Watchdog);
        session.State.Should().Be(SessionState.Destroyed, "a kick does not wait out another close's grace period");
        h.DisconnectsOf(session).Should().Be(1);
        connection.Closes.Should().Be(1, "the client is told once");
    }

    [Fact]
    public async Task TheGraceWait_HonoursTheToken_AndTheSessionStillCloses()
    {
        var time = new FakeTimeProvider();
        await using var h = new Harness(time: time);
        var session = await h.M.ConnectAsync(new ConnectOptions { Connection = new FaultyConnection() });
        using var cts = new CancellationTokenSource();

        var closing = session.CloseAsync(SessionCloseReason.None, TimeSpan.FromDays(1), cts.Token).AsTask();
        session.State.Should().Be(SessionState.Open);
        await cts.CancelAsync();
        var thrown = await Record.ExceptionAsync(() => closing.WaitAsync(Watchdog));

        thrown.Should().Match<Exception?>(e => e == null || e is OperationCanceledException);
        await session.CloseAsync().AsTask().WaitAsync(Watchdog);
        await h.Destroyed(session).WaitAsync(Watchdog);
        h.DisconnectsOf(session).Should().Be(1, "cancelling the grace wait disconnects at once");
    }

    private static Task Start(SessionManager m, string consumer, Session session, CancellationToken token) => consumer switch
    {
        "close" => session.CloseAsync(SessionCloseReason.Kicked, null, token).AsTask(),
        "kick" => m.Admin.KickAsync(session.Id, null, token).AsTask(),
        "kick-user" => m.Admin.KickUserAsync(session.User.Name, null, null, token).AsTask(),
        "kick-all" => m.Admin.KickAllAsync(null, token).AsTask(),
        "close-user-sessions" => m.Admin.CloseUserSessionsAsync(session.User.Name, SessionCloseReason.AccountDeleted, null, null, token).AsTask(),
        _ => throw new ArgumentOutOfRangeException(nameof(consumer), consumer, "unknown consumer"),
    };
}
