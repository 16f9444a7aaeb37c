namespace SessionKit.Benchmarks.Support;

/// <summary>
/// The system clock, but every timer it creates only fires when <see cref="FireAll"/> is called: the scale mode runs one
/// idle sweep at a time and times it, with nothing else of the sweep's running meanwhile.
/// </summary>
internal sealed class CapturedTimerTimeProvider : TimeProvider
{
    private readonly List<(TimerCallback Callback, object? State)> _timers = [];

    public override long GetTimestamp() => System.GetTimestamp();

    public override long TimestampFrequency => System.TimestampFrequency;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow();

    public int Count => _timers.Count;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        _timers.Add((callback, state));
        return new Inert();
    }

    /// <summary>Runs every captured timer's callback once, on the calling thread.</summary>
    public void FireAll()
    {
        foreach (var (callback, state) in _timers)
        {
            callback(state);
        }
    }

    private sealed class Inert : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => default;
    }
}
