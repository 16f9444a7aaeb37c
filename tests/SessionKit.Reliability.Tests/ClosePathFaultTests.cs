using SessionKit.Reliability.Tests.Support;

namespace SessionKit.Reliability.Tests;

/// <summary>
/// Issue 12: a fault-injection pass over every await of the close path. At each point where a close waits for host
/// code (the <c>on_session_closing</c> triggers, the transport's close, the <c>on_resource_unbind</c> and
/// <c>on_disconnect</c> triggers), each way that code can misbehave (throw at once or after awaiting, throw
/// <see cref="OperationCanceledException"/> on its own, hang until the test releases it, or wait while the caller
/// cancels its token) is injected under each kind of close (<see cref="Session.CloseAsync"/>, kicks, account events,
/// an eviction, a replacing bind, shutdown). Whatever happens, the session ends closed and destroyed with its
/// <c>on_disconnect</c> run exactly once, a later close never finds it open, and <c>Count</c> returns to 0.
/// </summary>
/// <remarks>Hangs wait on a test-owned <see cref="Gate"/>; the watchdog only turns a hang into a failure.</remarks>
public sealed class ClosePathFaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Watchdog = TimeSpan.FromMinutes(1);

    private static readonly string[] Points = ["on_session_closing", "transport", "on_resource_unbind", "on_disconnect"];

    private static readonly string[] Modes = ["throw", "throw-after-await", "throw-cancelled", "hang", "cancel"];

    // The first five take the caller's token; the last three close for the library's own reasons, without one.
    private static readonly string[] Consumers = ["close", "kick", "kick-user", "kick-all", "close-user-sessions", "evict", "replace", "shutdown"];

    public static TheoryData<string, string, string> Cases()
    {
        var cases = new TheoryData<string, string, string>();
        foreach (var point in Points)
        {
            foreach (var mode in Modes)
            {
                foreach (var consumer in Consumers)
                {
                    if (mode != "cancel" || TakesAToken(consumer))
                    {
                        cases.Add(point, mode, consumer);
                    }
                }
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task AFaultAtAnAwaitOfTheClosePath_LeavesTheSessionClosedDestroyedAndDisconnectedOnce(string point, string mode, string consumer)
    {
        var options = new SessionManagerOptions { CloseTimeout = Timeout.InfiniteTimeSpan };
        if (consumer == "evict")
        {
            options.MaxSessionsPerUser = _ => 1;
            options.SessionLimitPolicy = SessionLimitPolicy.EvictOldest;
        }

        var h = new Harness(options);
        var gate = new Gate();
        var connection = new FaultyConnection();
        var target = await h.M.ConnectAsync(new ConnectOptions { User = "alice", Connection = connection });
        await h.M.Users.BindResourceAsync(target, "phone");
        var replacer = consumer == "replace" ? await h.M.ConnectAsync(new ConnectOptions { User = "alice" }) : null;
        Inject(h.M, target, connection, point, Fault(mode, gate));
        using var cts = new CancellationTokenSource();

        var closing = Start(h.M, consumer, target, replacer, cts.Token);
        if (mode is "hang" or "cancel")
        {
            await gate.Reached.WaitAsync(Watchdog);
        }

        Exception? thrown;
        if (mode == "cancel")
        {
            await cts.CancelAsync();
            thrown = await Record.ExceptionAsync(() => closing.WaitAsync(Watchdog));
            thrown.Should().Match<Exception?>(e => e == null || e is OperationCanceledException, "a cancelled caller stops waiting and nothing else");
            gate.Open();
        }
        else
        {
            gate.Open();
            thrown = await Record.ExceptionAsync(() => closing.WaitAsync(Watchdog));
            thrown.Should().BeNull("faults of host code in the close path are logged, never thrown to whoever closes");
        }

        if (consumer != "shutdown")
        {
            await target.CloseAsync().AsTask().WaitAsync(Watchdog);
            target.State.Should().NotBe(SessionState.Open, "a close that was started must finish: a later close finds it closed");
        }

        await h.Destroyed(target).WaitAsync(Watchdog);
        target.State.Should().Be(SessionState.Destroyed);
        h.DisconnectsOf(target).Should().Be(1, "on_disconnect runs exactly once");
        if (consumer == "replace")
        {
            h.M.Users.FindResource("alice", "phone").Should().BeSameAs(replacer, "the replacing bind took the resource");
        }

        if (consumer != "shutdown")
        {
            foreach (var session in h.M.GetSessions())
            {
                await h.M.DisconnectAsync(session);
            }

            h.M.Count.Should().Be(0);
            h.M.Users.SessionsOf("alice").Should().BeEmpty();
            await h.M.DisposeAsync().AsTask().WaitAsync(Watchdog);
        }

        h.Log.Count(EventLog.ShutdownTimedOut).Should().Be(0);
        h.ShouldHaveClosedAndDestroyedEverySessionOnce($"after a {mode} fault at {point} under {consumer}");
        Figures.Report(output, $"close-path {point}/{mode}/{consumer}", ("faults injected", 1));
    }

    private static bool TakesAToken(string consumer) => Array.IndexOf(Consumers, consumer) < 5;

    private static Func<CancellationToken, ValueTask> Fault(string mode, Gate gate) => mode switch
    {
        "throw" => _ => throw new InjectedFault(),
        "throw-after-await" => async _ =>
        {
            await Task.Yield();
            throw new InjectedFault();
        },
        "throw-cancelled" => _ => throw new OperationCanceledException("the host code cancelled itself"),
        "hang" => _ => gate.WaitIgnoringCancellationAsync(),
        "cancel" => gate.WaitAsync,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown fault"),
    };

    private static void Inject(SessionManager m, Session target, FaultyConnection connection, string point, Func<CancellationToken, ValueTask> fault)
    {
        switch (point)
        {
            case "on_session_closing":
                m.Admin.OnSessionClosing.Add(ctx => ReferenceEquals(ctx.Session, target) ? fault(ctx.CancellationToken) : ValueTask.CompletedTask);
                break;
            case "transport":
                connection.OnClose = fault;
                break;
            case "on_resource_unbind":
                m.Users.OnResourceUnbind.Add(ctx => ReferenceEquals(ctx.Session, target) ? fault(ctx.CancellationToken) : ValueTask.CompletedTask);
                break;
            case "on_disconnect":
                m.OnDisconnect.Add(ctx => ReferenceEquals(ctx.Session, target) ? fault(ctx.CancellationToken) : ValueTask.CompletedTask);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(point), point, "unknown point");
        }
    }

    private static Task Start(SessionManager m, string consumer, Session target, Session? replacer, CancellationToken token) => consumer switch
    {
        "close" => target.CloseAsync(SessionCloseReason.Kicked, null, token).AsTask(),
        "kick" => m.Admin.KickAsync(target.Id, null, token).AsTask(),
        "kick-user" => m.Admin.KickUserAsync("alice", null, null, token).AsTask(),
        "kick-all" => m.Admin.KickAllAsync(null, token).AsTask(),
        "close-user-sessions" => m.Admin.CloseUserSessionsAsync("alice", SessionCloseReason.AccountDeleted, null, null, token).AsTask(),
        "evict" => m.ConnectAsync(new ConnectOptions { User = "alice" }).AsTask(),
        "replace" => m.Users.BindResourceAsync(replacer!, "phone").AsTask(),
        "shutdown" => m.DisposeAsync().AsTask(),
        _ => throw new ArgumentOutOfRangeException(nameof(consumer), consumer, "unknown consumer"),
    };
}
