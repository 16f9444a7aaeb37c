using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests;

/// <summary>
/// design.md "Security rules": a disposed scope (request or Su) never keeps granting anything to any flow, whichever
/// flow disposed it. A flow that still carries a disposed Su scope falls back to what was under it; a flow that still
/// carries a disposed request scope keeps only that session's identity (never the background user).
/// </summary>
public sealed class SuScopeLifetimeTests
{
    private static readonly TimeSpan Watchdog = TimeSpan.FromMinutes(1);
    private readonly FastUserDirectory _users = new();

    public SuScopeLifetimeTests()
    {
        _users.Add("tester");
        _users.Add("reports");
    }

    // Su needs a policy that lets the client switch; the point of these tests is what happens after the scope ends.
    private static SessionManagerOptions Permissive => new() { SwitchUserPolicy = _ => true };

    [Fact]
    public async Task SuScope_DisposedByATaskItStarted_IsGoneFromTheEnteringFlow_AlsoAfterItsRequestAndSession()
    {
        // Defect 9 (issue 12).
        await using var m = new SessionManager(Permissive, _users);
        var session = await m.ConnectAsync(new ConnectOptions { User = "tester" });

        var seen = await Task.Run(async () =>
        {
            var request = m.Enter(session, 1);
            var su = m.Su("reports");
            await Task.Run(() => su.Dispose()); // a task the scope started disposes it
            var afterSu = (m.User, m.EffectiveUser);
            request.Dispose();
            var afterRequest = (m.Current, m.EffectiveUser);
            await m.DisconnectAsync(session);
            var afterDestroy = (m.Current, m.EffectiveUser);
            su.Dispose(); // the entering flow's own using: idempotent
            return (afterSu, afterRequest, afterDestroy);
        }).WaitAsync(Watchdog);

        seen.afterSu.Should().Be(("tester", "tester"), "the disposed Su scope grants nothing any more");
        seen.afterRequest.Should().Be(((Session?)null, "admin"), "the entering flow is back where it entered from");
        seen.afterDestroy.Should().Be(((Session?)null, "admin"));
        session.State.Should().Be(SessionState.Destroyed);
    }

    [Fact]
    public async Task SuScope_ATaskThatOutlivesIt_FallsBackToTheRequestUser()
    {
        await using var m = new SessionManager(Permissive, _users);
        var session = await m.ConnectAsync(new ConnectOptions { User = "tester" });
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Task<(Session? Current, string User, string EffectiveUser, string Inside)> lingering;
        using (m.Enter(session, 1))
        {
            using (m.Su("reports"))
            {
                lingering = Task.Run(async () =>
                {
                    var inside = m.EffectiveUser;
                    started.SetResult();
                    await release.Task;
                    return (m.Current, m.User, m.EffectiveUser, inside);
                });
                await started.Task.WaitAsync(Watchdog);
            }

            release.SetResult();
            var seen = await lingering.WaitAsync(Watchdog);

            seen.Inside.Should().Be("reports", "a task started inside an open Su scope inherits it");
            seen.Current.Should().BeSameAs(session);
            seen.User.Should().Be("tester");
            seen.EffectiveUser.Should().Be("tester", "the Su scope was disposed; its grant does not outlive it");
        }
    }

    [Fact]
    public async Task SuScope_CapturedByATimer_GrantsNothingOnceDisposed()
    {
        await using var m = new SessionManager(Permissive, _users);
        var session = await m.ConnectAsync(new ConnectOptions { User = "tester" });
        var fired = new TaskCompletionSource<(string User, string EffectiveUser)>(TaskCreationOptions.RunContinuationsAsynchronously);

        Timer timer;
        using (m.Enter(session, 1))
        {
            using (m.Su("reports"))
            {
                // The timer captures the ExecutionContext at creation, Su scope included; it fires only later.
                timer = new Timer(_ => fired.TrySetResult((m.User, m.EffectiveUser)), null, Timeout.Infinite, Timeout.Infinite);
            }

            timer.Change(0, Timeout.Infinite);
            var seen = await fired.Task.WaitAsync(Watchdog);
            await timer.DisposeAsync();

            seen.Should().Be(("tester", "tester"));
        }
    }

    [Fact]
    public async Task SuScope_CapturedByAContinuation_GrantsNothingOnceDisposed()
    {
        await using var m = new SessionManager(Permissive, _users);
        var session = await m.ConnectAsync(new ConnectOptions { User = "tester" });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Task<string> continuation;
        using (m.Enter(session, 1))
        {
            using (m.Su("reports"))
            {
                continuation = gate.Task.ContinueWith(_ => m.EffectiveUser, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            }

            gate.SetResult();
            (await continuation.WaitAsync(Watchdog)).Should().Be("tester");
        }
    }

    [Fact]
    public async Task RequestScope_DisposedFromAFlowThatDoesNotCarryIt_NeverTurnsTheEnteringFlowIntoTheBackgroundUser()
    {
        // A watchdog with no ExecutionContext of the request (a timer started with the flow suppressed) disposes the
        // request scope. Before: the entering flow passed over the scope to what was under it: the background admin.
        await using var m = new SessionManager(Permissive, _users);
        var session = await m.ConnectAsync(SessionType.Binary);

        var seen = await Task.Run(async () =>
        {
            var request = m.Enter(session, 4);
            Task disposer;
            using (ExecutionContext.SuppressFlow())
            {
                disposer = Task.Run(() => request.Dispose());
            }

            await disposer;
            return (m.Current, m.User, m.EffectiveUser);
        }).WaitAsync(Watchdog);

        seen.Should().Be((session, "guest", "guest"), "the flow keeps the session's identity, like a task that outlives its request");
        await m.DisconnectAsync(session);
        session.State.Should().Be(SessionState.Destroyed, "the request reference was released");
    }

    [Fact]
    public async Task RequestScope_DisposedOutOfOrderByItsFlow_IsNotPassedOverByATaskThatInheritedOnlyIt()
    {
        // F enters r1, starts a task, enters r2, then disposes r1 out of order. The task carries r1 only; its own Su
        // must restore r1 (the session's guest), never pass over it to the background admin.
        await using var m = new SessionManager(directory: _users);
        var first = await m.ConnectAsync(SessionType.Binary);
        var second = await m.ConnectAsync(SessionType.Binary);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var (task, afterBoth) = await Task.Run(() =>
        {
            var r1 = m.Enter(first, 1);
            var inherited = Task.Run(async () =>
            {
                await release.Task;
                var before = (m.Current, m.EffectiveUser);
                using (m.Su("guest"))
                {
                }

                return (before, after: (m.Current, m.EffectiveUser));
            });
            var r2 = m.Enter(second, 2);
            r1.Dispose();
            r2.Dispose();
            return (inherited, (m.Current, m.EffectiveUser));
        }).WaitAsync(Watchdog);

        release.SetResult();
        var seen = await task.WaitAsync(Watchdog);

        afterBoth.Should().Be(((Session?)null, "admin"), "the flow that disposed both is back where it entered from");
        seen.before.Should().Be((first, "guest"));
        seen.after.Should().Be((first, "guest"));
    }

    [Fact]
    public async Task EnterOnAnotherSession_InsideSu_DoesNotCarryTheSuTarget()
    {
        await using var m = new SessionManager(Permissive, _users);
        var first = await m.ConnectAsync(new ConnectOptions { User = "tester" });
        var second = await m.ConnectAsync(SessionType.Binary);

        using (m.Enter(first, 1))
        using (m.Su("reports"))
        {
            using (m.Enter(second, 2))
            {
                (m.Current, m.User, m.EffectiveUser).Should().Be((second, "guest", "guest"));
            }

            (m.Current, m.EffectiveUser).Should().Be((first, "reports"));
        }
    }

    [Fact]
    public async Task NestedSuScopes_DisposedOutOfOrderFromTwoFlows_LeaveNoGrantBehind()
    {
        await using var m = new SessionManager(Permissive, _users);
        var session = await m.ConnectAsync(new ConnectOptions { User = "tester" });

        var seen = await Task.Run(async () =>
        {
            using var request = m.Enter(session, 1);
            var outer = m.Su("reports");
            var inner = m.Su("admin");
            await Task.Run(() => outer.Dispose()); // another flow disposes the outer grant while the inner is open
            var whileInner = m.EffectiveUser;
            inner.Dispose();
            return (whileInner, after: m.EffectiveUser);
        }).WaitAsync(Watchdog);

        seen.whileInner.Should().Be("admin", "the inner scope is still open");
        seen.after.Should().Be("tester", "neither grant survives");
    }
}
