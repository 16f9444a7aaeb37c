namespace SessionKit.Tests.Internal.Security;

/// <summary>
/// Issue 12, key derivation: credential checks run off the caller's thread, at most
/// <see cref="SessionManagerOptions.MaxConcurrentVerifications"/> at once; the rest queue asynchronously, and a queued
/// attempt that is cancelled fails with the unified credentials message.
/// </summary>
public sealed class KeyDerivationGateTests
{
    private static readonly TimeSpan Watchdog = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task While200WrongPasswordAttemptsRun_ARequestScopeOnAnotherSessionCompletes_AndAtMostTheBoundRunAtOnce()
    {
        var bound = new SessionManagerOptions().MaxConcurrentVerifications;
        var directory = new BlockingDirectory(fullAt: bound);
        await using var m = new SessionManager(directory: directory);
        var other = await m.ConnectAsync(SessionType.Binary);
        var sessions = new List<Session>();
        for (var i = 0; i < 200; i++)
        {
            sessions.Add(await m.ConnectAsync(SessionType.Binary));
        }

        directory.CallerThread = Environment.CurrentManagedThreadId;
        var attempts = sessions.Select(s => m.AuthenticateAsync(s, "alice", "wrong").AsTask()).ToArray();
        directory.CallerThread = -1;

        directory.RanOnCallerThread.Should().BeFalse("a credential check never runs on the caller's thread");
        await directory.Full.WaitAsync(Watchdog);
        var scope = Task.Run(() =>
        {
            using (m.Enter(other, 7))
            {
                return m.Sync;
            }
        });
        (await scope.WaitAsync(Watchdog)).Should().Be(7, "a request scope on another session completes while the checks run");
        attempts.Should().OnlyContain(t => !t.IsCompleted, "every check is blocked or queued until released");

        directory.Release();
        foreach (var attempt in attempts)
        {
            var thrown = await Record.ExceptionAsync(() => attempt.WaitAsync(Watchdog));
            thrown.Should().BeOfType<AuthenticationFailedException>();
        }

        directory.Calls.Should().Be(200);
        directory.MaxRunning.Should().BeInRange(1, bound);
    }

    [Fact]
    public async Task AQueuedAttempt_CancelledWhileItWaits_FailsWithTheUnifiedMessage_AndLeavesTheSessionAsItWas()
    {
        var directory = new BlockingDirectory(fullAt: 1);
        await using var m = new SessionManager(new SessionManagerOptions { MaxConcurrentVerifications = 1 }, directory);
        var authRuns = 0;
        m.OnAuth.Add(_ => { Interlocked.Increment(ref authRuns); return default; });
        var first = await m.ConnectAsync(SessionType.Binary);
        var second = await m.ConnectAsync(SessionType.Binary);
        var running = m.AuthenticateAsync(first, "alice", "right").AsTask();
        await directory.Full.WaitAsync(Watchdog);
        using var cancel = new CancellationTokenSource();

        var queued = m.AuthenticateAsync(second, "alice", "right", cancel.Token).AsTask();
        queued.IsCompleted.Should().BeFalse("the only turn is taken");
        await cancel.CancelAsync();
        var thrown = await Record.ExceptionAsync(() => queued.WaitAsync(Watchdog));

        thrown.Should().BeOfType<AuthenticationFailedException>().Which.Message.Should().Be(AuthenticationFailedException.CredentialsMessage);
        second.User.Should().Be(SessionUser.Guest);
        second.IsClosed.Should().BeFalse();
        directory.Release();
        (await running.WaitAsync(Watchdog)).Name.Should().Be("alice", "the admitted attempt is unaffected");
        directory.Calls.Should().Be(1, "the cancelled attempt never reached the directory");
        directory.MaxRunning.Should().Be(1);
        authRuns.Should().Be(1);
    }

    [Fact]
    public async Task AConfiguredBound_IsNeverExceeded()
    {
        var directory = new BlockingDirectory(fullAt: 3);
        await using var m = new SessionManager(new SessionManagerOptions { MaxConcurrentVerifications = 3 }, directory);
        var sessions = new List<Session>();
        for (var i = 0; i < 40; i++)
        {
            sessions.Add(await m.ConnectAsync(SessionType.Binary));
        }

        var attempts = sessions.Select((s, i) => m.AuthenticateAsync(s, "alice", i % 2 == 0 ? "right" : "wrong").AsTask()).ToArray();
        await directory.Full.WaitAsync(Watchdog);
        directory.Release();
        var outcomes = await Task.WhenAll(attempts.Select(a => Record.ExceptionAsync(() => a.WaitAsync(Watchdog)).AsTask()));

        outcomes.Count(e => e is null).Should().Be(20);
        outcomes.Where(e => e is not null).Should().AllBeOfType<AuthenticationFailedException>();
        directory.MaxRunning.Should().Be(3);
    }
}
