namespace SessionKit.Tests.Diagnostics;

/// <summary>A wall clock a test can step backwards, as an NTP correction does (FakeTimeProvider only moves forwards).</summary>
internal sealed class SteppableClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Step(TimeSpan by) => _now += by;
}
