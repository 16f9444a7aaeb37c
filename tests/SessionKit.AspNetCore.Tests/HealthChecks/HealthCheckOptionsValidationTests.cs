using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace SessionKit.AspNetCore.Tests.HealthChecks;

/// <summary>
/// A threshold of 0 or less would report every node degraded or failing from its first moment (0 open sessions is
/// already "at least 0"), which a load balancer reads as "take them all out": a typo for "off" (that is <c>null</c>)
/// must fail the host's start, naming the option.
/// </summary>
public sealed class HealthCheckOptionsValidationTests
{
    [Theory]
    [InlineData(0, null, "DegradedSessionCount")]
    [InlineData(-1, null, "DegradedSessionCount")]
    [InlineData(null, 0, "UnhealthySessionCount")]
    [InlineData(null, -5, "UnhealthySessionCount")]
    public async Task AThresholdBelowOne_FailsTheHostsStart_NamingTheOption(int? degraded, int? unhealthy, string option)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSessions();
        builder.Services.AddHealthChecks().AddSessionKitHealthCheck(o =>
        {
            o.DegradedSessionCount = degraded;
            o.UnhealthySessionCount = unhealthy;
        });
        using var host = builder.Build();

        var start = () => host.StartAsync();

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain(option);
    }

    [Fact]
    public async Task PositiveThresholds_AndNone_StartTheHost()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSessions();
        builder.Services.AddHealthChecks()
            .AddSessionKitHealthCheck(o => (o.DegradedSessionCount, o.UnhealthySessionCount) = (1, 1), name: "a")
            .AddSessionKitHealthCheck(name: "b");
        using var host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();

        host.Services.GetRequiredService<IOptionsMonitor<SessionKitHealthCheckOptions>>().Get("a").DegradedSessionCount.Should().Be(1);
    }
}
