using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SessionKit.Hosting.Tests;

/// <summary>Issue 14, point 1, in a real Generic Host: the sessions close at <c>StoppingAsync</c>, before any <c>StopAsync</c>.</summary>
public sealed class GenericHostShutdownTests
{
    private static readonly TimeSpan Watchdog = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task StopAsync_ClosesEverySessionWithSystemShutdown_AndRunsEveryOnDisconnect_BeforeAnyHostedServiceStops()
    {
        const int count = 5;
        var journal = new ShutdownJournal();
        var logs = new FakeLoggerProvider();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddProvider(logs);
        builder.Services.AddSingleton(journal);
        builder.Services.AddSessions()
            .OnDisconnect(ctx =>
            {
                journal.Add($"on_disconnect {ctx.Session.Id}");
                return ValueTask.CompletedTask;
            })
            .OnDisconnect<JournalingDisconnectTrigger>();
        builder.Services.AddHostedService<StopOrderProbe>();
        using var host = builder.Build();
        await host.StartAsync().WaitAsync(Watchdog);
        var manager = host.Services.GetRequiredService<SessionManager>();
        var connections = Enumerable.Range(0, count).Select(i => new RecordingConnection(journal, $"c{i}")).ToArray();
        var sessions = new List<Session>();
        foreach (var connection in connections)
        {
            sessions.Add(await manager.ConnectAsync(new ConnectOptions { Connection = connection }));
        }

        await host.StopAsync().WaitAsync(Watchdog);

        connections.Should().OnlyContain(c => c.Reasons.SequenceEqual(new[] { SessionCloseReason.SystemShutdown }));
        var entries = journal.Entries;
        var probe = entries.ToList().IndexOf(StopOrderProbe.Entry);
        probe.Should().BeGreaterThan(-1, "the probe's StopAsync ran");
        foreach (var session in sessions)
        {
            session.State.Should().NotBe(SessionState.Open);
            entries.ToList().IndexOf($"on_disconnect {session.Id}").Should().BeInRange(0, probe - 1, "on_disconnect ran during StoppingAsync, before any StopAsync");
            entries.ToList().IndexOf($"class on_disconnect {session.Id}").Should().BeInRange(0, probe - 1, "a class trigger still resolves at StoppingAsync");
        }

        foreach (var connection in connections)
        {
            entries.ToList().IndexOf($"close {connection.Name} system-shutdown").Should().BeInRange(0, probe - 1);
        }

        logs.Collector.GetSnapshot().Should().NotContain(r => r.Id.Name == "TriggerFailed", "no trigger failed at host stop");
    }

    [Fact]
    public async Task DisposingTheHostAfterStop_FindsTheManagerShutDown_AndShutsDownOnlyOnce()
    {
        var logs = new FakeLoggerProvider();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddProvider(logs);
        var disconnects = 0;
        builder.Services.AddSessions().OnDisconnect(_ =>
        {
            Interlocked.Increment(ref disconnects);
            return ValueTask.CompletedTask;
        });
        var host = builder.Build();
        await host.StartAsync().WaitAsync(Watchdog);
        var manager = host.Services.GetRequiredService<SessionManager>();
        var session = await manager.ConnectAsync(SessionType.Binary);

        await host.StopAsync().WaitAsync(Watchdog);
        session.State.Should().Be(SessionState.Destroyed, "the lifecycle service already shut the manager down");
        disconnects.Should().Be(1);
        await ((IAsyncDisposable)host).DisposeAsync().AsTask().WaitAsync(Watchdog);

        disconnects.Should().Be(1);
        logs.Collector.GetSnapshot().Count(r => r.Id.Name == "ShutdownStarted").Should().Be(1, "the container's disposal finds the same shutdown done");
        logs.Collector.GetSnapshot().Count(r => r.Id.Name == "ShutdownCompleted").Should().Be(1);
    }

    [Fact]
    public async Task StopAsync_WhenNothingResolvedTheManager_DoesNotBuildOne()
    {
        var directoryBuilt = false;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });

        // Building the manager resolves the directory first: this factory tells whether anything built the manager.
        builder.Services.AddSingleton<IUserDirectory>(_ =>
        {
            directoryBuilt = true;
            return new InMemoryUserDirectory();
        });
        builder.Services.AddSessions();
        var host = builder.Build();

        await host.StartAsync().WaitAsync(Watchdog);
        await host.StopAsync().WaitAsync(Watchdog);
        await ((IAsyncDisposable)host).DisposeAsync().AsTask().WaitAsync(Watchdog);

        directoryBuilt.Should().BeFalse("a manager that never held a session is not built only to be shut down");
    }

    [Fact]
    public async Task StopAsync_WhenTheHostShutdownTimeoutEndsFirst_ReturnsAndLogsIt_AndTheContainerFinishesTheShutdown()
    {
        var logs = new FakeLoggerProvider();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddProvider(logs);

        // The host gives up at once; SessionKit's own bound stays long, so only the host's token can end the wait.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.Zero);
        builder.Services.AddSessions(o => o.ShutdownTimeout = Timeout.InfiniteTimeSpan).OnDisconnect(async _ =>
        {
            started.TrySetResult();
            await release.Task;
        });
        var host = builder.Build();
        await host.StartAsync().WaitAsync(Watchdog);
        var manager = host.Services.GetRequiredService<SessionManager>();
        var session = await manager.ConnectAsync(SessionType.Binary);

        await host.StopAsync().WaitAsync(Watchdog);

        logs.Collector.GetSnapshot().Should().Contain(r => r.Id.Name == "HostShutdownTimeoutReached");
        await started.Task.WaitAsync(Watchdog);
        logs.Collector.GetSnapshot().Should().NotContain(r => r.Id.Name == "ShutdownCompleted", "the on_disconnect trigger still holds the shutdown");
        release.TrySetResult();
        await ((IAsyncDisposable)host).DisposeAsync().AsTask().WaitAsync(Watchdog);
        session.State.Should().NotBe(SessionState.Open);
        logs.Collector.GetSnapshot().Should().Contain(r => r.Id.Name == "ShutdownCompleted", "the container's disposal waited for the rest of the shutdown");
    }
}
