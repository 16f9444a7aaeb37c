using Microsoft.Extensions.Time.Testing;

namespace SessionKit.Tests.TestSupport;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also counts the timers made on it and not yet disposed. FakeTimeProvider keeps
/// its timers to itself, and some tests check that SessionKit arms a timer (shutdown, authentication timeout, close
/// timeout) and disposes every timer it arms.
/// </summary>
public sealed class TimerCountingTimeProvider : FakeTimeProvider
{
    private readonly TaskCompletionSource _firstTimer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _liveTimers;

    /// <summary>Initializes a clock that starts at 1 January 2026, midnight UTC.</summary>
    public TimerCountingTimeProvider()
        : base(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>Gets the number of timers created on this clock and not yet disposed.</summary>
    public int LiveTimers => Volatile.Read(ref _liveTimers);

    /// <summary>Gets a task that completes when the first timer is created (code under test has started waiting).</summary>
    public Task FirstTimerCreated => _firstTimer.Task;

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new CountedTimer(this, base.CreateTimer(callback, state, dueTime, period));
        Interlocked.Increment(ref _liveTimers);
        _firstTimer.TrySetResult();
        return timer;
    }

    /// <summary>Passes everything to FakeTimeProvider's timer and takes itself off the count once, on first dispose.</summary>
    private sealed class CountedTimer(TimerCountingTimeProvider owner, ITimer inner) : ITimer
    {
        private int _disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(dueTime, period);

        public void Dispose()
        {
            inner.Dispose();
            Forget();
        }

        public async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            Forget();
        }

        private void Forget()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref owner._liveTimers);
            }
        }
    }
}
