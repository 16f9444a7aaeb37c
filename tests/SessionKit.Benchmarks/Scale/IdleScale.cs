using System.Diagnostics;
using SessionKit.Benchmarks.Support;

namespace SessionKit.Benchmarks.Scale;

/// <summary>
/// The scale mode's idle-timeout figures: managed heap per idle session on a manager with
/// <see cref="SessionManagerOptions.IdleTimeout"/> set, and the time of one sweep over all of them (none due, so the sweep
/// reads every session and closes nothing: its steady-state cost).
/// </summary>
internal static class IdleScale
{
    public static (double BytesPerSession, double SweepMs) Measure(int sessions, int rounds)
    {
        var time = new CapturedTimerTimeProvider();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var manager = new SessionManager(new SessionManagerOptions { IdleTimeout = static (_, _) => TimeSpan.FromHours(1) }, new FastUserDirectory(), timeProvider: time);
        for (var i = 0; i < sessions; i++)
        {
            Wait.For(manager.ConnectAsync(SessionType.Binary));
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        if (manager.Count != sessions || time.Count != 1)
        {
            throw new InvalidOperationException($"Expected {sessions} live sessions and one timer, found {manager.Count} and {time.Count}.");
        }

        // The first sweep stamps every session (first sight); the timed ones are the steady state.
        time.FireAll();
        var times = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var watch = Stopwatch.StartNew();
            time.FireAll();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        if (manager.Count != sessions)
        {
            throw new InvalidOperationException($"The sweep closed sessions it should not have: {sessions - manager.Count}.");
        }

        manager.Dispose();
        times.Sort();
        return ((after - before) / (double)sessions, times[times.Count / 2]);
    }
}
