using FluentAssertions;
using SessionKit.Internal;
using SessionKit.Tests.TestSupport;
using Xunit;

namespace SessionKit.Tests.Internal;

public sealed class ConnectClockTests
{
    [Fact]
    public void AProviderOtherThanTheSystemOne_IsReadOnEveryCall_SoAManualClockIsSeenExactly()
    {
        var time = new ManualTimeProvider();
        var clock = new ConnectClock(time);
        var start = time.GetUtcNow();

        var first = clock.GetUtcNow();
        time.Advance(TimeSpan.FromTicks(1)); // far below any tick of Environment.TickCount64
        var second = clock.GetUtcNow();

        first.Should().Be(start);
        second.Should().Be(start.AddTicks(1), "only the system clock is cached");
    }

    [Fact]
    public void TheSystemClock_GivesATimeBetweenTwoReadsOfTheWallClock_WithinOneTickBefore()
    {
        var clock = new ConnectClock(TimeProvider.System);

        // The cache may hand out a sample taken up to one TickCount64 tick earlier; a tick is at most about 16 ms
        // (Windows' default timer), so one second of slack says "a recent reading" without depending on speed.
        var before = TimeProvider.System.GetUtcNow();
        var value = clock.GetUtcNow();
        var again = clock.GetUtcNow();
        var after = TimeProvider.System.GetUtcNow();

        value.Should().BeOnOrBefore(after).And.BeOnOrAfter(before.AddSeconds(-1));
        again.Should().BeOnOrBefore(after).And.BeOnOrAfter(value, "one thread reading twice never goes back");
    }

    [Fact]
    public async Task ConnectedAt_WithAManualClock_FollowsTheClockOnEveryConnect()
    {
        var time = new ManualTimeProvider();
        await using var sessions = new SessionManager(timeProvider: time);

        var first = await sessions.ConnectAsync(SessionType.Binary);
        time.Advance(TimeSpan.FromTicks(1));
        var second = await sessions.ConnectAsync(SessionType.Binary);

        (second.ConnectedAt - first.ConnectedAt).Should().Be(TimeSpan.FromTicks(1));
    }
}
