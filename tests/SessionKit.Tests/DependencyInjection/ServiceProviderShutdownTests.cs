using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.DependencyInjection;

/// <summary>Disposing the service provider (what a host does when it stops) shuts the manager down.</summary>
public sealed class ServiceProviderShutdownTests
{
    [Fact]
    public async Task DisposeAsync_ClosesEverySession_AndRunsEveryOnDisconnect()
    {
        var disconnected = new ConcurrentBag<ulong>();
        var users = new FastUserDirectory();
        users.Add("alice");
        var services = new ServiceCollection();
        services.AddSingleton<IUserDirectory>(users);
        services.AddSessions()
            .OnDisconnect("async", async c =>
            {
                await Task.Yield();
                c.Session.Manager.Current.Should().BeSameAs(c.Session);
                disconnected.Add(c.Session.Id);
            })
            .OnDisconnect("sync", c => c.Session.Storage.Get("k") is "v" ? default : throw new InvalidOperationException("storage lost"));
        var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<SessionManager>();
        var sessions = new List<Session>();
        for (var i = 0; i < 20; i++)
        {
            var session = await manager.ConnectAsync(i % 2 == 0 ? SessionType.Binary : SessionType.Console);
            session.Storage.Set("k", "v");
            if (i % 3 == 0)
            {
                await manager.AuthenticateAsync(session, "alice", "secret");
            }

            sessions.Add(session);
        }

        await manager.DisconnectAsync(sessions[0]);

        await provider.DisposeAsync();

        sessions.Should().OnlyContain(s => s.State == SessionState.Destroyed);
        disconnected.Should().BeEquivalentTo(sessions.Select(s => s.Id), "on_disconnect ran exactly once for every session");
        var count = () => manager.Count;
        count.Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public async Task Dispose_Synchronous_AlsoShutsTheManagerDown()
    {
        var disconnected = 0;
        var services = new ServiceCollection();
        services.AddSessions().OnDisconnect(_ =>
        {
            Interlocked.Increment(ref disconnected);
            return default;
        });
        var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<SessionManager>();
        var session = await manager.ConnectAsync(SessionType.Binary);

        provider.Dispose();

        session.State.Should().Be(SessionState.Destroyed);
        disconnected.Should().Be(1);
    }

    [Fact]
    public async Task DisposeAsync_HangingOnDisconnect_IsBoundedByTheShutdownTimeout()
    {
        var time = new TimerCountingTimeProvider();
        var logs = new FakeLoggerProvider();
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        services.AddSessions(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30)).OnDisconnect(async c =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, c.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                cancelled.TrySetResult();
                throw;
            }
        });
        var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<SessionManager>();
        await manager.ConnectAsync(SessionType.Binary);

        var disposing = provider.DisposeAsync().AsTask();

        // Shutdown arms one timer for its timeout; until the clock moves past it, disposal must not finish.
        await time.FirstTimerCreated.WaitAsync(TimeSpan.FromMinutes(1));
        disposing.IsCompleted.Should().BeFalse();
        time.Advance(TimeSpan.FromSeconds(30));
        await disposing.WaitAsync(TimeSpan.FromSeconds(10));

        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        logs.Collector.GetSnapshot().Should().Contain(r => r.Id.Id == 11 && r.Id.Name == "ShutdownTimedOut");
    }

    [Fact]
    public async Task DisposeAsync_ClassOnDisconnectTrigger_CannotBeResolved_IsLoggedAndTheOthersStillRun()
    {
        var logs = new FakeLoggerProvider();
        var delegateRan = 0;
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        services.AddSingleton<CountingTrigger.Counter>();
        services.AddSessions()
            .OnDisconnect<CountingTrigger>()
            .OnDisconnect(_ =>
            {
                Interlocked.Increment(ref delegateRan);
                return default;
            });
        var provider = services.BuildServiceProvider();
        var counter = provider.GetRequiredService<CountingTrigger.Counter>();
        var manager = provider.GetRequiredService<SessionManager>();
        var session = await manager.ConnectAsync(SessionType.Binary);

        await provider.DisposeAsync();

        session.State.Should().Be(SessionState.Destroyed);
        delegateRan.Should().Be(1);
        counter.Runs.Should().Be(0);
        var failure = logs.Collector.GetSnapshot().Should().ContainSingle(r => r.Id.Name == "TriggerFailed").Which;
        failure.Exception.Should().BeOfType<InvalidOperationException>()
            .Which.Message.Should().Contain("on_disconnect").And.Contain(typeof(CountingTrigger).Name).And.Contain("Dispose the SessionManager before the service provider");
    }

    [Fact]
    public async Task DisposingTheManagerFirst_RunsClassOnDisconnectTriggers_ThenTheProviderDisposesCleanly()
    {
        var services = new ServiceCollection();
        services.AddSingleton<CountingTrigger.Counter>();
        services.AddSessions().OnDisconnect<CountingTrigger>();
        var provider = services.BuildServiceProvider();
        var counter = provider.GetRequiredService<CountingTrigger.Counter>();
        var manager = provider.GetRequiredService<SessionManager>();
        await manager.ConnectAsync(SessionType.Binary);
        await manager.ConnectAsync(SessionType.Binary);

        // What a host does in its stopping phase, before the container goes.
        await manager.DisposeAsync();
        await provider.DisposeAsync();

        counter.Runs.Should().Be(2);
    }

    public sealed class CountingTrigger(CountingTrigger.Counter counter) : ISessionTrigger<SessionTriggerContext>
    {
        public ValueTask InvokeAsync(SessionTriggerContext context)
        {
            counter.Increment();
            return default;
        }

        public sealed class Counter
        {
            private int _runs;

            public int Runs => Volatile.Read(ref _runs);

            public void Increment() => Interlocked.Increment(ref _runs);
        }
    }
}
