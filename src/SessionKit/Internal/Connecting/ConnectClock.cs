namespace SessionKit.Internal;

/// <summary>
/// Where <see cref="Session.ConnectedAt"/> comes from. With <see cref="TimeProvider.System"/> the wall clock is read
/// at most once per tick of <see cref="Environment.TickCount64"/> (one kernel timer tick: typically 1–10 ms on Linux, about 15.6 ms on Windows); with any
/// other provider every read goes to the provider.
/// </summary>
/// <remarks>
/// Reading the wall clock cost about 27 ns on the benchmark machine, more than half of the floor a connect is measured
/// against, and connect-time stamps do not need sub-millisecond resolution (Kestrel reads its clock once per heartbeat
/// for the same reason). <see cref="Environment.TickCount64"/> costs about 6 ns. A provider other than the system one
/// is always asked, so tests with a manual clock see exactly the time they set.
/// </remarks>
internal sealed class ConnectClock
{
    private readonly TimeProvider _time;
    private readonly bool _cached;

    // One immutable sample, replaced as a whole, so a reader never pairs one sample's tick with another's time. Two
    // threads that refresh at once both publish a correct sample; the older may win, which costs one more read.
    private Sample? _last;

    public ConnectClock(TimeProvider time)
    {
        _time = time;
        _cached = ReferenceEquals(time, TimeProvider.System);
    }

    /// <summary>Gets the current UTC time, at the resolution described on the class.</summary>
    public DateTimeOffset GetUtcNow()
    {
        if (!_cached)
        {
            return _time.GetUtcNow();
        }

        var tick = Environment.TickCount64;
        var last = Volatile.Read(ref _last);
        if (last is not null && last.Tick == tick)
        {
            return last.Now;
        }

        var now = _time.GetUtcNow();
        Volatile.Write(ref _last, new Sample(tick, now));
        return now;
    }

    private sealed class Sample(long tick, DateTimeOffset now)
    {
        public long Tick { get; } = tick;

        public DateTimeOffset Now { get; } = now;
    }
}
