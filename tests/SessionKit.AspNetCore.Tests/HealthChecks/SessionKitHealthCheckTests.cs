using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SessionKit.AspNetCore.Tests.HealthChecks;

/// <summary>Issue 15: <c>AddSessionKitHealthCheck()</c> thresholds and the disposed manager.</summary>
public sealed class SessionKitHealthCheckTests
{
    [Fact]
    public async Task TheStatus_FollowsTheThresholds_AndIsUnhealthyOnceTheManagerIsDisposed()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSessions();
        services.AddHealthChecks().AddSessionKitHealthCheck(o =>
        {
            o.DegradedSessionCount = 2;
            o.UnhealthySessionCount = 3;
        });
        await using var provider = services.BuildServiceProvider();
        var health = provider.GetRequiredService<HealthCheckService>();
        var manager = provider.GetRequiredService<SessionManager>();

        var empty = await health.CheckHealthAsync();
        await manager.ConnectAsync(SessionType.Binary);
        var one = await health.CheckHealthAsync();
        await manager.ConnectAsync(SessionType.Binary);
        var two = await health.CheckHealthAsync();
        await manager.ConnectAsync(SessionType.Binary);
        var three = await health.CheckHealthAsync();
        await manager.DisposeAsync();
        var disposed = await health.CheckHealthAsync();

        empty.Status.Should().Be(HealthStatus.Healthy);
        one.Status.Should().Be(HealthStatus.Healthy);
        one.Entries["sessionkit"].Data["sessions"].Should().Be(1);
        two.Status.Should().Be(HealthStatus.Degraded);
        three.Status.Should().Be(HealthStatus.Unhealthy);
        disposed.Status.Should().Be(HealthStatus.Unhealthy);
        disposed.Entries["sessionkit"].Description.Should().Contain("disposed");
    }

    [Fact]
    public async Task WithoutThresholds_ItIsHealthy_AndAFailureStatusReplacesUnhealthy()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSessions();
        services.AddHealthChecks().AddSessionKitHealthCheck(name: "sessions", failureStatus: HealthStatus.Degraded);
        await using var provider = services.BuildServiceProvider();
        var health = provider.GetRequiredService<HealthCheckService>();
        var manager = provider.GetRequiredService<SessionManager>();
        await manager.ConnectAsync(SessionType.Binary);

        (await health.CheckHealthAsync()).Status.Should().Be(HealthStatus.Healthy);
        await manager.DisposeAsync();
        (await health.CheckHealthAsync()).Entries["sessions"].Status.Should().Be(HealthStatus.Degraded);
    }

    [Fact]
    public void AddSessionKitHealthCheck_ArgValidation()
    {
        FluentActions.Invoking(() => SessionKitHealthChecksBuilderExtensions.AddSessionKitHealthCheck(null!)).Should().Throw<ArgumentNullException>().WithParameterName("builder");
        FluentActions.Invoking(() => new ServiceCollection().AddHealthChecks().AddSessionKitHealthCheck(name: null!)).Should().Throw<ArgumentNullException>().WithParameterName("name");
    }
}
