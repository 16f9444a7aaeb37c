using FluentAssertions;
using Microsoft.Extensions.Time.Testing;
using SessionKit.Internal;
using SessionKit.Tests.TestSupport;
using Xunit;

namespace SessionKit.Tests.Internal.Connecting;

public sealed class ConnectClockTests
{
    [Fact]
    public void AProviderOtherThanTheSystemOne_IsReadOnEveryCall_SoAManualClockIsSeenExactly()
    {
        var time = new FakeTimeProvider();
        var clock = new ConnectClock(time);
        var start = time.GetUtcNow();

        var first = clock.GetUtcNow();
        time.Advance(TimeSpan.FromTicks(1)); // far below any tick of Environment.TickCount64
        var second = clock.GetUtcNow();

        first.Should().Be(start);
        second.Should().Be(start.AddTicks(1), "only the system clock is cached");
    }

    [Fact]
    public void TheSystemClock_GivesARecentReadingOfTheWallClock()
    {
        var clock = new ConnectClock(TimeProvider.System);

        // The cache may hand out a sample taken up to one TickCount64 tick earlier (at most about 16 ms); one second of
        // slack says "a recent reading" without depending on the machine's speed.
        var before = TimeProvider.System.GetUtcNow();
        var value = clock.GetUtcNow();
        var after = TimeProvider.System.GetUtcNow();

        value.Should().BeOnOrBefore(after).And.BeOnOrAfter(before.AddSeconds(-1));
    }

    [Fact]
    public void TheSystemClock_WithinOneTick_HandsOutTheCachedSample()
    {
        var clock = new ConnectClock(TimeProvider.System);

        // Two reads inside one tick of TickCount64 must return the same sample. A tick can end between the reads, so
        // retry until one pair falls inside a single tick; a tick lasts milliseconds, so this takes a try or two.
        for (var attempt = 0; attempt < 1_000; attempt++)
        {
            var tick = Environment.TickCount64;
            var first = clock.GetUtcNow();
            var second = clock.GetUtcNow();
            if (Environment.TickCount64 == tick)
            {
                second.Should().Be(first, "within one tick the clock is not read again");
                return;
            }
        }

        Assert.Fail("No two reads fell inside one tick of Environment.TickCount64 in 1,000 attempts.");
    }

    [Fact]
    public async Task ConnectedAt_WithAManualClock_FollowsTheClockOnEveryConnect()
    {
        var time = new FakeTimeProvider();
        await using var sessions = new SessionManager(timeProvider: time);

        var first = await sessions.ConnectAsync(SessionType.Binary);
        time.Advance(TimeSpan.FromTicks(1));
        var second = await sessions.ConnectAsync(SessionType.Binary);

        (second.ConnectedAt - first.ConnectedAt).Should().Be(TimeSpan.FromTicks(1));
    }
}
