namespace SessionKit.Redis.Tests.Fixtures;

/// <summary>
/// Waits for a condition by polling it (the state lives in other processes and in Redis, which have no callback into
/// the test). The watchdog only turns a hang into a failure; nothing asserts how long it took.
/// </summary>
internal static class Eventually
{
    public static readonly TimeSpan Watchdog = TimeSpan.FromSeconds(60);

    public static async Task<T> MatchAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what)
    {
        using var timeout = new CancellationTokenSource(Watchdog);
        T last = default!;
        while (!timeout.IsCancellationRequested)
        {
            last = await probe();
            if (done(last))
            {
                return last;
            }

            // A poll interval, not a synchronisation: the condition is re-checked, never assumed.
            await Task.Delay(50, CancellationToken.None);
        }

        throw new TimeoutException($"Not reached within the watchdog: {what}; last seen: {Describe(last)}");
    }

    /// <summary>Shows a collection by its count and items (a list's ToString() names only its type).</summary>
    private static string Describe(object? value) => value is System.Collections.IEnumerable items and not string
        ? $"{items.Cast<object?>().Count()} items: {string.Join(", ", items.Cast<object?>())}"
        : value?.ToString() ?? "null";

    public static Task TrueAsync(Func<Task<bool>> probe, string what) => MatchAsync(probe, static ok => ok, what);
}
