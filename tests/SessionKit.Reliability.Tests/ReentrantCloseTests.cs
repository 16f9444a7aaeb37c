using SessionKit.Reliability.Tests.Support;

namespace SessionKit.Reliability.Tests;

/// <summary>
/// Issue 12, defect 2: a close or a shutdown asked for from inside the close it would wait for (a trigger, the
/// transport's close, work they start and await) returns without waiting for itself; it never deadlocks.
/// </summary>
/// <remarks>
/// Shutdown and close timeouts are infinite, so a self-wait hangs for ever; the watchdog turns that into a failure.
/// </remarks>
public sealed class ReentrantCloseTests
{
    private static readonly TimeSpan Watchdog = TimeSpan.FromMinutes(1);

    private static SessionManagerOptions NoTimeouts => new() { ShutdownTimeout = Timeout.InfiniteTimeSpan, CloseTimeout = Timeout.InfiniteTimeSpan };

    [Fact]
    public async Task AClosingTriggerThatAwaitsItsOwnSessionsClose_Completes_AndTheSessionClosesOnce()
    {
        await using var h = new Harness(NoTimeouts);
        var inner = new TaskCompletionSource<SessionState>(TaskCreationOptions.RunContinuationsAsynchronously);
        h.M.Admin.OnSessionClosing.Add(async ctx =>
        {
            await ctx.Session.CloseAsync(SessionCloseReason.Kicked);
            await Task.Run(() => ctx.Session.CloseAsync().AsTask());
            inner.TrySetResult(ctx.Session.State);
        });
        var session = await h.M.ConnectAsync(SessionType.Binary);

        await session.CloseAsync().AsTask().WaitAsync(Watchdog);

        (await inner.Task.WaitAsync(Watchdog)).Should().Be(SessionState.Open, "the re-entrant close returned the running close without waiting for it");
        session.State.Should().Be(SessionState.Destroyed);
        h.DisconnectsOf(session).Should().Be(1);
    }

    [Fact]
    public async Task TwoClosingTriggersThatAwaitEachOthersSession_Complete()
    {
        await using var h = new Harness(NoTimeouts);
        var a = await h.M.ConnectAsync(SessionType.Binary);
        var b = await h.M.ConnectAsync(SessionType.Binary);
        h.M.Admin.OnSessionClosing.Add(async ctx => await (ReferenceEquals(ctx.Session, a) ? b : a).CloseAsync());

        await a.CloseAsync().AsTask().WaitAsync(Watchdog);

        a.State.Should().Be(SessionState.Destroyed);
        b.State.Should().Be(SessionState.Destroyed);
        h.DisconnectsOf(a).Should().Be(1);
        h.DisconnectsOf(b).Should().Be(1);
    }

    [Fact]
    public async Task ATransportWhoseCloseClosesItsOwnSession_Completes()
    {
        await using var h = new Harness(NoTimeouts);
        Session? session = null;
        var connection = new FaultyConnection { OnClose = async _ => await session!.CloseAsync() };
        session = await h.M.ConnectAsync(new ConnectOptions { Connection = connection });

        await h.M.Admin.KickAsync(session.Id).AsTask().WaitAsync(Watchdog);

        session.State.Should().Be(SessionState.Destroyed);
        h.DisconnectsOf(session).Should().Be(1);
    }

    [Fact]
    public async Task AKickOldBindOfTheOwnersResourceFromTheOwnersOwnClose_IsRefused_NotSpun()
    {
        await using var h = new Harness(NoTimeouts);
        var owner = await h.M.ConnectAsync(new ConnectOptions { User = "alice" });
        var newcomer = await h.M.ConnectAsync(new ConnectOptions { User = "alice" });
        await h.M.Users.BindResourceAsync(owner, "phone");
        var outcome = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        h.M.Admin.OnSessionClosing.Add(async ctx =>
        {
            if (ReferenceEquals(ctx.Session, owner))
            {
                outcome.TrySetResult(await Record.ExceptionAsync(() => h.M.Users.BindResourceAsync(newcomer, "phone").AsTask()));
            }
        });

        await owner.CloseAsync().AsTask().WaitAsync(Watchdog);

        var thrown = await outcome.Task.WaitAsync(Watchdog);
        thrown.Should().BeOfType<ResourceBindException>().Which.Condition.Should().Be("conflict");
        owner.State.Should().Be(SessionState.Destroyed);
        h.M.Users.FindResource("alice", "phone").Should().BeNull("the owner's close released it");
        (await h.M.Users.BindResourceAsync(newcomer, "phone")).Should().Be("phone", "the newcomer may bind it once the owner is closed");
    }

    [Theory]
    [InlineData("on_session_closing")]
    [InlineData("on_disconnect")]
    [InlineData("on_connect")]
    [InlineData("on_resource_unbind")]
    [InlineData("transport")]
    public async Task DisposeAsyncAwaitedFromInsideTheManagersOwnWork_ReturnsWithoutWaitingForItself(string where)
    {
        var h = new Harness(NoTimeouts);
        var returned = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fired = 0;
        async ValueTask DisposeFromInside()
        {
            if (Interlocked.Exchange(ref fired, 1) == 0)
            {
                await h.M.DisposeAsync();
                returned.TrySetResult();
            }
        }

        var connection = new FaultyConnection();
        switch (where)
        {
            case "on_session_closing": h.M.Admin.OnSessionClosing.Add(_ => DisposeFromInside()); break;
            case "on_disconnect": h.M.OnDisconnect.Add(_ => DisposeFromInside()); break;
            case "on_connect": h.M.OnConnect.Add(_ => DisposeFromInside()); break;
            case "on_resource_unbind": h.M.Users.OnResourceUnbind.Add(_ => DisposeFromInside()); break;
            default: connection.OnClose = _ => DisposeFromInside(); break;
        }

        var connecting = h.M.ConnectAsync(new ConnectOptions { User = "alice", Connection = connection }).AsTask();
        if (where != "on_connect")
        {
            var session = await connecting;
            await h.M.Users.BindResourceAsync(session, "phone");
            await h.M.Admin.KickAsync(session.Id).AsTask().WaitAsync(Watchdog);
        }
        else
        {
            await Record.ExceptionAsync(() => connecting.WaitAsync(Watchdog));
        }

        await returned.Task.WaitAsync(Watchdog);
        await h.M.DisposeAsync().AsTask().WaitAsync(Watchdog);
        h.Log.Count(EventLog.ShutdownCompleted).Should().Be(1);
        h.Log.Count(EventLog.ShutdownTimedOut).Should().Be(0);
        h.ShouldHaveClosedAndDestroyedEverySessionOnce();
    }

    [Fact]
    public async Task DisposeCalledSynchronouslyFromOnDisconnect_Returns()
    {
        var h = new Harness(NoTimeouts);
        h.M.OnDisconnect.Add(_ =>
        {
            h.M.Dispose();
            return ValueTask.CompletedTask;
        });
        var session = await h.M.ConnectAsync(SessionType.Binary);

        await Task.Run(() => h.M.DisconnectAsync(session).AsTask()).WaitAsync(Watchdog);
        await h.M.DisposeAsync().AsTask().WaitAsync(Watchdog);

        h.Log.Count(EventLog.ShutdownTimedOut).Should().Be(0);
        h.DisconnectsOf(session).Should().Be(1);
    }
}
