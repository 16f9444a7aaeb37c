using System.Collections.Concurrent;
using SessionKit.Reliability.Tests.Support;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Reliability.Tests;

/// <summary>
/// Issue 12, defects 3, 4, 5 and 7: the order connect → (auth)* → disconnect under a concurrent close, evictions only
/// for a newcomer that survived its connect, no authentication on a closed session, and the context of triggers run
/// from destroy.
/// </summary>
public sealed class ConnectAuthDefectTests
{
    private static readonly TimeSpan Watchdog = TimeSpan.FromMinutes(1);

    // ---- defect 3: on_connect after on_disconnect ------------------------------------------------------------------

    [Fact]
    public async Task KickWhileUserOnlineAwaits_ConnectThrowsClosed_OnConnectNeverRunsAfterOnDisconnect()
    {
        await using var h = new Harness();
        var order = new ConcurrentQueue<string>();
        var gate = new Gate();
        h.M.Users.OnUserOnline.Add(async _ => await gate.WaitIgnoringCancellationAsync());
        h.M.OnConnect.Add(_ =>
        {
            order.Enqueue($"connect (current {h.M.Id})");
            return ValueTask.CompletedTask;
        });
        h.M.OnDisconnect.Add(_ =>
        {
            order.Enqueue("disconnect");
            return ValueTask.CompletedTask;
        });

        var connecting = h.M.ConnectAsync(new ConnectOptions { User = "alice" }).AsTask();
        await gate.Reached.WaitAsync(Watchdog);
        var kick = h.M.Admin.KickUserAsync("alice").AsTask();
        gate.Open();

        var thrown = await Record.ExceptionAsync(() => connecting.WaitAsync(Watchdog));
        (await kick.WaitAsync(Watchdog)).Should().Be(1);

        thrown.Should().BeOfType<SessionClosedException>("a session closed during its connect makes ConnectAsync throw");
        order.Should().Equal(["connect (current 1)", "disconnect"], "on_connect runs as the session, and never after on_disconnect");
        h.M.Count.Should().Be(0);
        h.ShouldHaveClosedAndDestroyedEverySessionOnce();
    }

    [Fact]
    public async Task DisconnectWhileOnConnectAwaits_OnDisconnectRunsAfterOnConnectFinished_ConnectThrowsClosed()
    {
        await using var h = new Harness();
        var order = new ConcurrentQueue<string>();
        var gate = new Gate();
        Session? session = null;
        h.M.OnConnect.Add(async ctx =>
        {
            session = ctx.Session;
            await gate.WaitIgnoringCancellationAsync();
            order.Enqueue($"connect end (current {h.M.Id})");
        });
        h.M.OnDisconnect.Add(ctx =>
        {
            order.Enqueue($"disconnect (current {h.M.Id})");
            return ValueTask.CompletedTask;
        });

        var connecting = h.M.ConnectAsync(SessionType.Binary).AsTask();
        await gate.Reached.WaitAsync(Watchdog);
        var disconnect = h.M.DisconnectAsync(session!).AsTask();
        session!.State.Should().Be(SessionState.Closed, "the close marks the session closed at once");
        session.Closed.IsCancellationRequested.Should().BeTrue();
        gate.Open();

        var thrown = await Record.ExceptionAsync(() => connecting.WaitAsync(Watchdog));
        await disconnect.WaitAsync(Watchdog);

        thrown.Should().BeOfType<SessionClosedException>();
        order.Should().Equal([$"connect end (current {session.Id})", $"disconnect (current {session.Id})"]);
        h.DisconnectsOf(session).Should().Be(1, "DisconnectAsync returned after the deferred on_disconnect ran");
        await h.Destroyed(session).WaitAsync(Watchdog);
        h.M.Count.Should().Be(0);
    }

    [Fact]
    public async Task OnConnectClosesItsOwnSession_NoDeadlock_ConnectThrowsClosed_OnDisconnectAfterOnConnect()
    {
        await using var h = new Harness();
        var order = new ConcurrentQueue<string>();
        h.M.OnConnect.Add(async ctx =>
        {
            await ctx.Session.CloseAsync(SessionCloseReason.Kicked);
            order.Enqueue("connect end");
        });
        h.M.OnDisconnect.Add(_ =>
        {
            order.Enqueue("disconnect");
            return ValueTask.CompletedTask;
        });

        var thrown = await Record.ExceptionAsync(() => h.M.ConnectAsync(SessionType.Binary).AsTask().WaitAsync(Watchdog));

        thrown.Should().BeOfType<SessionClosedException>();
        order.Should().Equal(["connect end", "disconnect"], "a close from the session's own trigger returns without waiting for itself");
        h.M.Count.Should().Be(0);
        h.ShouldHaveClosedAndDestroyedEverySessionOnce();
    }

    // ---- defect 4: a refused connect still evicts ----------------------------------------------------------------

    [Fact]
    public async Task EvictOldest_ConnectRefusedByOnConnect_EvictsNothing_AnAcceptedOneEvictsTheOldest()
    {
        await using var h = new Harness(new SessionManagerOptions { MaxSessionsPerUser = _ => 1, SessionLimitPolicy = SessionLimitPolicy.EvictOldest });
        var oldest = await h.M.ConnectAsync(new ConnectOptions { User = "alice" });
        var refuse = true;
        var error = new InjectedFault();
        h.M.OnConnect.Add(_ => refuse ? throw error : ValueTask.CompletedTask);

        var thrown = await Record.ExceptionAsync(() => h.M.ConnectAsync(new ConnectOptions { User = "alice" }).AsTask());

        thrown.Should().BeSameAs(error);
        oldest.State.Should().Be(SessionState.Open, "nothing is evicted for a newcomer that does not survive its connect");
        h.M.Users.SessionsOf("alice").Should().Equal([oldest]);

        refuse = false;
        var newcomer = await h.M.ConnectAsync(new ConnectOptions { User = "alice" });
        oldest.State.Should().NotBe(SessionState.Open, "an accepted newcomer evicts the oldest");
        h.M.Users.SessionsOf("alice").Should().Equal([newcomer]);
    }

    // ---- defect 5: authentication on a closed session ------------------------------------------------------------

    [Fact]
    public async Task CloseWhileOnAuthRuns_AuthenticateThrowsClosed_TombstoneKeepsTheUserOnDisconnectSaw()
    {
        await using var h = new Harness();
        var session = await h.M.ConnectAsync(SessionType.Binary);
        var gate = new Gate();
        string? userInDisconnect = null;
        h.M.OnAuth.Add(async _ => await gate.WaitIgnoringCancellationAsync());
        h.M.OnDisconnect.Add(ctx =>
        {
            userInDisconnect = ctx.Session.User.Name;
            return ValueTask.CompletedTask;
        });

        var authenticating = h.M.AuthenticateAsync(session, "alice", "pw").AsTask();
        await gate.Reached.WaitAsync(Watchdog);
        var disconnect = h.M.DisconnectAsync(session).AsTask();
        gate.Open();

        var thrown = await Record.ExceptionAsync(() => authenticating.WaitAsync(Watchdog));
        await disconnect.WaitAsync(Watchdog);
        await h.Destroyed(session).WaitAsync(Watchdog);

        thrown.Should().BeOfType<SessionClosedException>();
        userInDisconnect.Should().Be("guest");
        session.User.Name.Should().Be("guest", "the tombstone keeps the user on_disconnect saw");
        h.M.Users.SessionsOf("alice").Should().BeEmpty();
        h.ShouldHaveClosedAndDestroyedEverySessionOnce();
    }

    // ---- defect 7: context of triggers run from destroy ----------------------------------------------------------

    [Fact]
    public async Task OnUserOfflineFromDestroy_KeepsItsSessionAcrossAnAwait()
    {
        await using var h = new Harness();
        var seen = new TaskCompletionSource<(ulong Before, ulong After, string User)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new Gate();
        h.M.Users.OnUserOffline.Add(async _ =>
        {
            var before = h.M.Id;
            await gate.WaitIgnoringCancellationAsync();
            seen.TrySetResult((before, h.M.Id, h.M.User));
        });
        var session = await h.M.ConnectAsync(new ConnectOptions { User = "alice" });

        // The await inside the trigger resumes only after the destroy that started it has finished.
        await h.M.DisconnectAsync(session);
        await gate.Reached.WaitAsync(Watchdog);
        session.State.Should().Be(SessionState.Destroyed);
        gate.Open();
        var (before, after, user) = await seen.Task.WaitAsync(Watchdog);

        before.Should().Be(session.Id);
        after.Should().Be(session.Id, "the trigger's context holds for the whole trigger, across awaits");
        user.Should().Be("alice");
    }

    [Fact]
    public async Task OnSessionEvicted_RunsWithTheEvictedSessionCurrent_AcrossAnAwait()
    {
        await using var h = new Harness(new SessionManagerOptions { MaxSessionsPerUser = _ => 1, SessionLimitPolicy = SessionLimitPolicy.EvictOldest });
        var seen = new TaskCompletionSource<(ulong Before, ulong After)>(TaskCreationOptions.RunContinuationsAsynchronously);
        h.M.Users.OnSessionEvicted.Add(async _ =>
        {
            var before = h.M.Id;
            await Task.Yield();
            seen.TrySetResult((before, h.M.Id));
        });
        var oldest = await h.M.ConnectAsync(new ConnectOptions { User = "alice" });

        await h.M.ConnectAsync(new ConnectOptions { User = "alice" });
        var (before, after) = await seen.Task.WaitAsync(Watchdog);

        before.Should().Be(oldest.Id, "on_session_evicted runs as the evicted session");
        after.Should().Be(oldest.Id);
    }
}
