using System.Runtime.CompilerServices;
using SessionKit.Reliability.Tests.Support;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Reliability.Tests;

/// <summary>
/// Issue 7, part 6: the heap returns to its start after a million connect/disconnect cycles, and nothing the library
/// keeps (registry, index, timers, token registrations, ambient contexts, trigger contexts) holds a destroyed session,
/// its storage values or its user entry. Size: <c>SESSIONKIT_LEAK_CYCLES</c> (default 1,000,000).
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class LeakTests(ITestOutputHelper output)
{
    private const int DefaultCycles = 1_000_000;
    private const long Margin = 1024 * 1024;

    [Fact]
    public async Task AMillionConnectDisconnectCycles_LeaveTheHeapWhereItStarted()
    {
        var cycles = Knobs.Int("SESSIONKIT_LEAK_CYCLES", DefaultCycles);
        await using var m = new SessionManager(directory: new FastUserDirectory());
        for (var i = 0; i < 10_000; i++)
        {
            await m.DisconnectAsync(await m.ConnectAsync(SessionType.Binary));
        }

        var before = HeapAfterFullCollection();
        for (var i = 0; i < cycles; i++)
        {
            await m.DisconnectAsync(await m.ConnectAsync(SessionType.Binary));
        }

        var after = HeapAfterFullCollection();

        m.Count.Should().Be(0);
        (after - before).Should().BeLessThan(Margin, $"the heap grew from {before:N0} to {after:N0} bytes over {cycles:N0} cycles");
        Figures.Report(output, "leak/plain cycles", ("cycles", cycles), ("heap before", before), ("heap after", after), ("growth", after - before));
    }

    [Fact]
    public async Task FullLifecycleCycles_WithUsersTriggersStorageScopesAndTokens_LeaveTheHeapWhereItStarted()
    {
        var cycles = Math.Max(1, Knobs.Int("SESSIONKIT_LEAK_CYCLES", DefaultCycles) / 5);
        var users = new FastUserDirectory();
        users.Add("alice", "pw");
        await using var m = new SessionManager(new SessionManagerOptions { AuthenticationTimeout = TimeSpan.FromHours(1) }, users);
        var connects = 0L;
        var disconnects = 0L;
        m.OnConnect.Add(ctx =>
        {
            connects++;
            ctx.Session.Storage.Set("connected", true);
            return ValueTask.CompletedTask;
        });
        m.OnDisconnect.Add(async ctx =>
        {
            await Task.Yield();
            disconnects++;
        });
        using var caller = new CancellationTokenSource();
        var key = new SessionKey<byte[]>("payload");

        async Task CycleAsync(int i)
        {
            var session = await m.ConnectAsync(new ConnectOptions { Connection = new RecordingConnection() }, caller.Token);
            await m.AuthenticateAsync(session, "alice", "pw", caller.Token);
            using (m.Enter(session, (ulong)i))
            {
                m.Storage.Set(key, new byte[64]);
                using (m.Su("alice"))
                {
                    m.Users.StorageOf("alice")!.Set("last", i);
                }
            }

            _ = session.Closed.Register(static () => { });
            await m.Users.BindResourceAsync(session, "r");
            await m.DisconnectAsync(session, caller.Token);
        }

        for (var i = 0; i < 2_000; i++)
        {
            await CycleAsync(i);
        }

        var before = HeapAfterFullCollection();
        for (var i = 0; i < cycles; i++)
        {
            await CycleAsync(i);
        }

        var after = HeapAfterFullCollection();

        m.Count.Should().Be(0);
        m.Users.SessionsOf("alice").Should().BeEmpty();
        m.Users.StorageOf("alice").Should().BeNull("the user entry goes with its last session");
        disconnects.Should().Be(connects);
        (after - before).Should().BeLessThan(Margin, $"the heap grew from {before:N0} to {after:N0} bytes over {cycles:N0} cycles");
        Figures.Report(output, "leak/full lifecycle cycles", ("cycles", cycles), ("heap before", before), ("heap after", after), ("growth", after - before));
    }

    [Fact]
    public async Task ADestroyedSession_ItsStorageValues_AndItsUserEntry_AreCollectable()
    {
        var users = new FastUserDirectory();
        users.Add("alice", "pw");
        await using var m = new SessionManager(directory: users);
        m.OnDisconnect.Add(async _ => await Task.Yield());
        using var caller = new CancellationTokenSource();

        var (session, value, shared, token) = await ConnectUseAndDisconnectAsync(m, caller.Token);

        // The async on_disconnect finishes the close on a pool thread, whose finished state machines may still hold
        // the session for a moment (see CollectAsync).
        (await CollectAsync(session)).Should().BeTrue("nothing in the manager keeps a destroyed session");
        value.IsAlive.Should().BeFalse("destroy clears the storage (design.md, Lifecycle)");
        shared.IsAlive.Should().BeFalse("the user's shared storage goes with the user's last session");
        token.IsCancellationRequested.Should().BeTrue("a Closed token kept by the host stays readable and does not keep the session alive");
        GC.KeepAlive(m);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<(WeakReference Session, WeakReference Value, WeakReference Shared, CancellationToken Token)> ConnectUseAndDisconnectAsync(SessionManager m, CancellationToken caller)
    {
        var session = await m.ConnectAsync(new ConnectOptions { User = "alice", Connection = new RecordingConnection() }, caller);
        var value = new object();
        var shared = new object();
        session.Storage.Set("value", value);
        m.Users.StorageOf("alice")!.Set("shared", shared);
        var token = session.Closed;
        token.Register(static () => { });
        using (m.Enter(session, 1))
        {
            m.Storage.Get("value").Should().BeSameAs(value);
        }

        await m.Users.BindResourceAsync(session, "phone");
        await m.DisconnectAsync(session, caller);
        session.State.Should().Be(SessionState.Destroyed);
        return (new WeakReference(session), new WeakReference(value), new WeakReference(shared), token);
    }

    [Fact]
    public async Task ATaskThatOutlivesItsRequestScope_DoesNotKeepTheSessionAlive_AndNeverBecomesAdmin()
    {
        var users = new FastUserDirectory();
        users.Add("alice", "pw");
        await using var m = new SessionManager(directory: users);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var (weak, late) = await StartLateTaskAsync(m, release.Task);
        FullCollection();
        var collected = !weak.IsAlive;
        release.SetResult();
        var (current, user, effective, sync) = await late;

        collected.Should().BeTrue("the late task's context holds the session only through its holder, which destroy cleared");
        current.Should().BeNull("a task that outlives its session sees no current session");
        sync.Should().Be(0UL);
        user.Should().Be("alice", "work started from a request keeps that client's user, never the background admin (design.md, Identity)");
        effective.Should().Be("alice");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<(WeakReference Session, Task<(Session? Current, string User, string Effective, ulong Sync)> Late)> StartLateTaskAsync(SessionManager m, Task release)
    {
        var session = await m.ConnectAsync(new ConnectOptions { User = "alice" });
        Task<(Session?, string, string, ulong)> late;
        using (m.Enter(session, 5))
        {
            late = Task.Run(async () =>
            {
                await release;
                return (m.Current, m.User, m.EffectiveUser, m.Sync);
            });
        }

        await m.DisconnectAsync(session);
        session.State.Should().Be(SessionState.Destroyed);
        return (new WeakReference(session), late);
    }

    [Theory]
    [InlineData("grace period ended by the client")]
    [InlineData("authentication timeout never reached")]
    [InlineData("close timeout on a transport close")]
    public async Task NoTimer_KeepsADestroyedSessionAlive(string kind)
    {
        var time = new TimerCountingTimeProvider();
        var options = new SessionManagerOptions { AuthenticationTimeout = kind.StartsWith("authentication", StringComparison.Ordinal) ? TimeSpan.FromHours(1) : null };
        await using var m = new SessionManager(options, new FastUserDirectory(), timeProvider: time);

        var (weak, timersWhileOpen) = await RunWithTimerAsync(m, time, kind);
        var collected = await CollectAsync(weak);

        timersWhileOpen.Should().BeGreaterThan(0, "the scenario armed a timer");
        time.LiveTimers.Should().Be(0, "every timer was disposed with its purpose");
        collected.Should().BeTrue("nothing keeps a destroyed session once its close has finished");
    }

    /// <summary>
    /// Collects until <paramref name="weak"/>'s target is gone; returns <see langword="false"/> if it survives every attempt.
    /// </summary>
    /// <remarks>
    /// These closes finish on a pool thread (a cancelled Task.Delay always resumes its awaiter there, and under xUnit's
    /// AsyncTestSyncContext so does the WaitAsync timeout). That thread hands us our continuation and only then clears its
    /// finished state machines, which still hold the session in their hoisted fields. The runtime clears them after our
    /// continuation is released, and no code of ours runs after that, so no gate can order it. Instead, collect and yield
    /// until the session is gone, up to a bound. There is no sleep or clock: a real leak stays alive through every attempt and fails.
    /// </remarks>
    private static async Task<bool> CollectAsync(WeakReference weak)
    {
        // A bound, not a timeout: a collected session returns on the first pass or two, so a generous bound costs
        // nothing, and only a real leak runs through all of it.
        for (var attempt = 0; attempt < 1_000; attempt++)
        {
            FullCollection();
            if (!weak.IsAlive)
            {
                return true;
            }

            await Task.Yield();
        }

        return false;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<(WeakReference Session, int TimersWhileOpen)> RunWithTimerAsync(SessionManager m, TimerCountingTimeProvider time, string kind)
    {
        var connection = new RecordingConnection();
        var session = await m.ConnectAsync(new ConnectOptions { Connection = connection });
        int armed;
        switch (kind)
        {
            case "grace period ended by the client":
            {
                var closing = session.CloseAsync(SessionCloseReason.Kicked, TimeSpan.FromHours(1)).AsTask();
                armed = time.LiveTimers;
                await m.DisconnectAsync(session); // the client hangs up within the grace period
                await closing;
                break;
            }

            case "authentication timeout never reached":
                armed = time.LiveTimers;
                await m.DisconnectAsync(session);
                break;
            default:
            {
                var hang = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                connection.CloseGate = hang.Task;
                var closing = session.CloseAsync(SessionCloseReason.Kicked).AsTask();
                armed = time.LiveTimers;
                time.Advance(SessionManagerOptions.DefaultCloseTimeout);
                await closing;
                hang.SetResult();
                break;
            }
        }

        session.State.Should().Be(SessionState.Destroyed);
        return (new WeakReference(session), armed);
    }

    private static long HeapAfterFullCollection()
    {
        FullCollection();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static void FullCollection()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
