using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SessionKit.AspNetCore.Tests.DependencyInjection;

/// <summary>
/// <see cref="SessionKitAspNetCoreOptions.CloseTimeout"/> feeds timers, which take at most <see cref="int.MaxValue"/>
/// milliseconds (as the core's own <c>CloseTimeout</c>): a longer value must fail the host's start, naming the option,
/// not pass validation and then throw at every close.
/// </summary>
public sealed class CloseTimeoutRangeTests
{
    public static TheoryData<TimeSpan> TooLong() => new()
    {
        TimeSpan.MaxValue,
        TimeSpan.FromDays(60),
        TimeSpan.FromMilliseconds(int.MaxValue + 1.0),
    };

    [Theory]
    [MemberData(nameof(TooLong))]
    public async Task ACloseTimeoutBeyondATimersRange_FailsTheHostsStart_NamingTheOption(TimeSpan closeTimeout)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Services.AddSessions().AddAspNetCore(o => o.CloseTimeout = closeTimeout);
        using var host = builder.Build();

        var start = () => host.StartAsync();

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain("CloseTimeout");
    }

    [Fact]
    public async Task TheLongestTimerRange_AndInfinite_AreAccepted()
    {
        foreach (var closeTimeout in new[] { TimeSpan.FromMilliseconds(int.MaxValue), Timeout.InfiniteTimeSpan })
        {
            var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
            builder.Services.AddSessions().AddAspNetCore(o => o.CloseTimeout = closeTimeout);
            using var host = builder.Build();

            await host.StartAsync();
            await host.StopAsync();
        }
    }
}
