using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.Internal.Idle;

/// <summary>Case 82 at scale and under races: one sweep per manager, exact counts, requests racing the sweep, shutdown.</summary>
public sealed class IdleTimeoutSweepTests
{
    private static readonly TimeSpan Watchdog = TimeSpan.FromMinutes(1);

    private readonly FakeTimeProvider _time = new();
    private readonly FastUserDirectory _users = new();

    public IdleTimeoutSweepTests()
    {
        _users.Add("alice");
        _users.Add("bob");
    }

    [Fact]
    public async Task ThousandSessions_ExactlyTheIdleOnesOfTimedUsersAreClosed()
    {
        await using var manager = new SessionManager(new SessionManagerOptions { IdleTimeout = (u, _) => u.Name == "alice" ? IdleTimeoutTests.Timeout10 : null }, _users, timeProvider: _time);
        var disconnected = 0;
        manager.OnDisconnect.Add(_ => { Interlocked.Increment(ref disconnected); return default; });
        var idleAlice = new List<Session>();
        var busyAlice = new List<Session>();
        var bob = new List<Session>();
        for (var i = 0; i < 1000; i++)
        {
            var session = await manager.ConnectAsync(new ConnectOptions { User = i % 5 < 3 ? "alice" : "bob" });
            (i % 5 < 2 ? idleAlice : i % 5 == 2 ? busyAlice : bob).Add(session);
        }

        var scopes = busyAlice.Select(s => manager.Enter(s)).ToList();
        IdleTimeoutTests.Tick(_time, 12);

        idleAlice.Should().HaveCount(400).And.OnlyContain(s => s.State == SessionState.Destroyed);
        busyAlice.Should().HaveCount(200).And.OnlyContain(s => s.State == SessionState.Open);
        bob.Should().HaveCount(400).And.OnlyContain(s => s.State == SessionState.Open);
        manager.Count.Should().Be(600);
        disconnected.Should().Be(400);

        scopes.Reverse();
        scopes.ForEach(s => s.Dispose());
        IdleTimeoutTests.Tick(_time, 10);
        busyAlice.Should().OnlyContain(s => s.State == SessionState.Open, "their clocks restarted when their scopes exited");
        IdleTimeoutTests.Tick(_time, 2);

        busyAlice.Should().OnlyContain(s => s.State == SessionState.Destroyed);
        manager.Count.Should().Be(400);
        disconnected.Should().Be(600);
    }

    [Fact]
    public async Task RequestRacingTheSweep_EitherRunsWithTheSessionOpen_OrIsRefusedCleanly()
    {
        // Sweeps 2 s apart against a 1 ms timeout: the session is due at every sweep that finds no scope open, so the
        // sweep and the request loop collide constantly. Inside a scope the session must be open; the loop must end
        // with SessionClosedException; on_disconnect runs once and the session is destroyed.
        await using var manager = new SessionManager(new SessionManagerOptions { IdleTimeout = (_, _) => TimeSpan.FromMilliseconds(1) }, _users, timeProvider: _time);
        var disconnected = 0;
        manager.OnDisconnect.Add(_ => { Interlocked.Increment(ref disconnected); return default; });

        const int Rounds = 50;
        for (var round = 0; round < Rounds; round++)
        {
            var session = await manager.ConnectAsync(new ConnectOptions { User = "alice" });
            using var start = new Barrier(2);
            var requests = 0L;
            var cut = 0;
            var requester = Task.Run(() =>
            {
                start.SignalAndWait();
                while (true)
                {
                    try
                    {
                        using (manager.Enter(session, 7))
                        {
                            Interlocked.Increment(ref requests);
                            if (session.State != SessionState.Open || manager.Sync != 7)
                            {
                                Interlocked.Increment(ref cut);
                            }
                        }
                    }
                    catch (SessionClosedException)
                    {
                        return;
                    }
                }
            });
            var sweeper = Task.Run(() =>
            {
                start.SignalAndWait();
                while (!session.IsClosed)
                {
                    _time.Advance(TimeSpan.FromSeconds(2));
                }
            });

            await Task.WhenAll(requester, sweeper).WaitAsync(Watchdog);

            cut.Should().Be(0, "a request in flight is never cut (round {0})", round);
            session.State.Should().Be(SessionState.Destroyed);
        }

        disconnected.Should().Be(Rounds);
        manager.Count.Should().Be(0);
    }

    [Fact]
    public async Task Shutdown_DisposesTheSweep_AndTheDelegateIsNotAskedAgain()
    {
        var time = new TimerRecordingTimeProvider(_time);
        var asked = 0;
        var manager = new SessionManager(new SessionManagerOptions { IdleTimeout = (_, _) => { Interlocked.Increment(ref asked); return null; } }, _users, timeProvider: time);
        await manager.ConnectAsync(new ConnectOptions { User = "alice" });
        time.Timers.Should().ContainSingle("one timer for the manager, none per session");
        IdleTimeoutTests.Tick(_time, 3);
        asked.Should().Be(3);

        await manager.DisposeAsync();
        IdleTimeoutTests.Tick(_time, 10);

        time.Timers.Should().ContainSingle().Which.Disposed.Should().BeTrue();
        asked.Should().Be(3);
    }

    [Fact]
    public async Task WithoutIdleTimeouts_NoTimerIsCreated()
    {
        var time = new TimerRecordingTimeProvider(_time);
        await using var manager = new SessionManager(directory: _users, timeProvider: time);
        var session = await manager.ConnectAsync(new ConnectOptions { User = "alice" });

        IdleTimeoutTests.Tick(_time, 3600);

        time.Timers.Should().BeEmpty();
        session.State.Should().Be(SessionState.Open);
    }

    [Fact]
    public async Task HundredIdleSessions_OneTimerClosesThemAll()
    {
        var time = new TimerRecordingTimeProvider(_time);
        await using var manager = new SessionManager(new SessionManagerOptions { IdleTimeout = (_, _) => IdleTimeoutTests.Timeout10 }, _users, timeProvider: time);
        for (var i = 0; i < 100; i++)
        {
            await manager.ConnectAsync(new ConnectOptions { User = "bob" });
        }

        IdleTimeoutTests.Tick(_time, 12);

        time.Timers.Should().ContainSingle();
        manager.Count.Should().Be(0);
    }

    [Fact]
    public async Task ThroughDependencyInjection_TheOptionsActionAndTheContainersClockDriveTheSweep()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSessions(o => o.IdleTimeout = (_, _) => IdleTimeoutTests.Timeout10);
        await using var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<SessionManager>();
        var session = await manager.ConnectAsync(SessionType.Binary);

        IdleTimeoutTests.Tick(_time, 12);

        session.State.Should().Be(SessionState.Destroyed);
        session.ExtrasOrNull?.CloseReason.Should().Be(SessionCloseReason.IdleTimeout);
    }

    /// <summary>Passes everything to a <see cref="FakeTimeProvider"/> and records the timers created and whether they were disposed.</summary>
    private sealed class TimerRecordingTimeProvider(FakeTimeProvider inner) : TimeProvider
    {
        private readonly List<RecordedTimer> _timers = [];

        public IReadOnlyList<RecordedTimer> Timers
        {
            get
            {
                lock (_timers)
                {
                    return [.. _timers];
                }
            }
        }

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override long GetTimestamp() => inner.GetTimestamp();

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new RecordedTimer(inner.CreateTimer(callback, state, dueTime, period));
            lock (_timers)
            {
                _timers.Add(timer);
            }

            return timer;
        }
    }

    private sealed class RecordedTimer(ITimer inner) : ITimer
    {
        public bool Disposed { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(dueTime, period);

        public void Dispose()
        {
            Disposed = true;
            inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return default;
        }
    }
}
