using SessionKit.Reliability.Tests.Support;

namespace SessionKit.Reliability.Tests;

/// <summary>
/// The class of issue 12's defect 7: a trigger run for a live session keeps that session current for the whole run,
/// across awaits, even when the session is disconnected meanwhile. A run holds a reference, as a request scope does, so
/// destroy waits for it; only runs that start on a session already being destroyed get a tombstone holder.
/// </summary>
public sealed class TriggerContextAcrossDestroyTests
{
    private static readonly TimeSpan Watchdog = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task OnSessionClosing_WhileTheClientHangsUp_KeepsItsSessionAcrossAnAwait_AndDestroyWaitsForIt()
    {
        await using var h = new Harness();
        var seen = new TaskCompletionSource<(ulong Before, ulong After, string User)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new Gate();
        h.M.Admin.OnSessionClosing.Add(async _ =>
        {
            var before = h.M.Id;
            await gate.WaitIgnoringCancellationAsync();
            seen.TrySetResult((before, h.M.Id, h.M.User));
        });
        var session = await h.M.ConnectAsync(new ConnectOptions { User = "alice" });

        var closing = session.CloseAsync(SessionCloseReason.Kicked).AsTask();
        await gate.Reached.WaitAsync(Watchdog);

        // The client hangs up while the server's close is still telling it why: the host disconnects.
        await h.M.DisconnectAsync(session);
        var stateWhileTheTriggerRuns = session.State;
        gate.Open();
        var (before, after, user) = await seen.Task.WaitAsync(Watchdog);
        await closing.WaitAsync(Watchdog);

        before.Should().Be(session.Id);
        after.Should().Be(session.Id, "the trigger's context holds for the whole trigger, across awaits");
        user.Should().Be("alice");
        stateWhileTheTriggerRuns.Should().Be(SessionState.Closed, "destroy waits for the running trigger, as for a request scope");
        session.State.Should().Be(SessionState.Destroyed);
        h.Disconnects[session.Id].Should().Be(1);
        h.M.Count.Should().Be(0);
    }

    [Fact]
    public async Task OnUserOnline_FromChangeUser_WhileTheSessionIsDisconnected_KeepsItsSessionAcrossAnAwait()
    {
        await using var h = new Harness();
        var seen = new TaskCompletionSource<(ulong Before, ulong After, string User)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new Gate();
        h.M.Users.OnUserOnline.Add(async context =>
        {
            if (context.UserName != "bob")
            {
                return;
            }

            var before = h.M.Id;
            await gate.WaitIgnoringCancellationAsync();
            seen.TrySetResult((before, h.M.Id, h.M.User));
        });
        var session = await h.M.ConnectAsync(new ConnectOptions { User = "admin" });

        using (h.M.Enter(session, 1))
        {
            // ChangeUser is synchronous: its presence triggers finish on their own.
            h.M.ChangeUser("bob");
        }

        await gate.Reached.WaitAsync(Watchdog);
        await h.M.DisconnectAsync(session);
        var stateWhileTheTriggerRuns = session.State;
        gate.Open();
        var (before, after, user) = await seen.Task.WaitAsync(Watchdog);

        before.Should().Be(session.Id);
        after.Should().Be(session.Id, "the trigger's context holds for the whole trigger, across awaits");
        user.Should().Be("bob");
        stateWhileTheTriggerRuns.Should().Be(SessionState.Closed);
        h.Disconnects[session.Id].Should().Be(1);
    }
}
