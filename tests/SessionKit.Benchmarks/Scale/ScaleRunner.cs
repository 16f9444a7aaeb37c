using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.CompilerServices;
using SessionKit.Benchmarks.Support;

namespace SessionKit.Benchmarks.Scale;

/// <summary>
/// The scale mode (<c>dotnet run -c Release --project tests/SessionKit.Benchmarks -- scale</c>): plain Stopwatch and
/// <see cref="GC.GetTotalMemory(bool)"/> measurements that BenchmarkDotNet is not made for.
/// </summary>
/// <remarks>
/// <para>Every SessionKit figure is printed next to the same measurement of the floor (small objects in a
/// <see cref="ConcurrentDictionary{TKey, TValue}"/>) taken in the same process, so a loaded machine shows in both.</para>
/// <para>Timed figures interleave their two sides round by round and report the median, because the machines are
/// shared and noisy.</para>
/// </remarks>
public static class ScaleRunner
{
    private const double BudgetBytesPerSession = 256;
    private const double BudgetSizeRatio = 1.3;
    private const double BudgetThreadScaling = 1.6;

    public static int Run(string[] args)
    {
        var options = ScaleOptions.Parse(args);
        if (options is null)
        {
            Console.Error.WriteLine("usage: scale [--sessions N (1000000)] [--small N (1000)] [--ops N (200000)] [--rounds N (7)]");
            return 2;
        }

        Console.WriteLine($"SessionKit scale mode: .NET {Environment.Version}, {Environment.ProcessorCount} logical cores, " +
            $"{(GCSettings.IsServerGC ? "server" : "workstation")} GC (concurrent {(AppContext.TryGetSwitch("System.GC.Concurrent", out var c) ? c : true)}), {Environment.OSVersion}");
        Console.WriteLine($"load average at the start (1, 5, 15 min): {LoadAverage()}");
        Console.WriteLine($"sessions {options.Sessions:N0}, small registry {options.Small:N0}, {options.Ops:N0} ops per round, {options.Rounds} rounds (medians)");
        Console.WriteLine();

        var missed = 0;

        // 1. Memory per idle session.
        var floorBytes = MeasureFloorMemory(options.Sessions);
        var large = new SessionManager(directory: new FastUserDirectory());
        var sessionBytes = MeasureSessionMemory(large, options.Sessions);
        missed += Report(
            "memory per idle session",
            $"{sessionBytes:F1} B/session (floor {floorBytes:F1} B/object, SessionKit adds {sessionBytes - floorBytes:F1} B)",
            sessionBytes <= BudgetBytesPerSession,
            $"≤ {BudgetBytesPerSession} B");

        // 2. Connect + disconnect with a small and a large registry.
        var small = new SessionManager(directory: new FastUserDirectory());
        for (var i = 0; i < options.Small; i++)
        {
            Wait.For(small.ConnectAsync(SessionType.Binary));
        }

        var (smallNs, largeNs) = Interleave(options.Rounds, () => TimeChurn(small, options.Ops), () => TimeChurn(large, options.Ops));
        var floorSmall = FilledFloor(options.Small);
        var floorLarge = FilledFloor(options.Sessions);
        var (floorSmallNs, floorLargeNs) = Interleave(options.Rounds, () => TimeFloorChurn(floorSmall, options.Ops), () => TimeFloorChurn(floorLarge, options.Ops));
        var sizeRatio = largeNs / smallNs;
        missed += Report(
            $"connect+disconnect, {options.Sessions:N0} vs {options.Small:N0} live",
            $"ratio {sizeRatio:F2} (SessionKit {largeNs:F0} vs {smallNs:F0} ns/op; floor ratio {floorLargeNs / floorSmallNs:F2})",
            sizeRatio <= BudgetSizeRatio,
            $"≤ {BudgetSizeRatio}");
        GC.KeepAlive(floorSmall);
        GC.KeepAlive(floorLarge);
        floorSmall = floorLarge = null;
        large.Dispose();
        large = null;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        // 3. Churn throughput from 2 threads vs 1 thread.
        var (oneThread, twoThreads) = Interleave(options.Rounds, () => Throughput(small, 1, options.Ops), () => Throughput(small, 2, options.Ops));
        var floorChurn = FilledFloor(options.Small);
        var (floorOne, floorTwo) = Interleave(options.Rounds, () => FloorThroughput(floorChurn, 1, options.Ops), () => FloorThroughput(floorChurn, 2, options.Ops));
        var (computeOne, computeTwo) = Interleave(options.Rounds, () => RunThreads(1, options.Ops, _ => GC.KeepAlive(Compute(options.Ops))), () => RunThreads(2, options.Ops, _ => GC.KeepAlive(Compute(options.Ops))));
        var scaling = twoThreads / oneThread;
        missed += Report(
            "churn throughput, 2 threads vs 1",
            $"{scaling:F2}x (SessionKit {oneThread / 1e6:F2} -> {twoThreads / 1e6:F2} M ops/s; floor {floorTwo / floorOne:F2}x; " +
            $"machine ceiling, work sharing nothing: {computeTwo / computeOne:F2}x)",
            scaling >= BudgetThreadScaling,
            $"≥ {BudgetThreadScaling}x");
        small.Dispose();

        // 4. Idle timeouts on: memory per idle session (the same budget) and one sweep over all of them.
        var (idleBytes, sweepMs) = IdleScale.Measure(options.Sessions, options.Rounds);
        missed += Report(
            "memory per idle session, idle timeouts on",
            $"{idleBytes:F1} B/session; one sweep over {options.Sessions:N0}: {sweepMs:F1} ms ({sweepMs * 1e6 / options.Sessions:F1} ns/session)",
            idleBytes <= BudgetBytesPerSession,
            $"≤ {BudgetBytesPerSession} B");

        Console.WriteLine();
        Console.WriteLine($"load average at the end (1, 5, 15 min): {LoadAverage()}");
        Console.WriteLine(missed == 0 ? "All scale budgets met." : $"{missed} scale budget(s) missed.");
        return 0;
    }

    /// <summary>The machine's load average on Linux (other processes share the cores), or "n/a".</summary>
    private static string LoadAverage()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ');
            return string.Join(", ", fields.Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
        catch (UnauthorizedAccessException)
        {
            return "n/a";
        }
    }

    private static int Report(string what, string figure, bool met, string budget)
    {
        Console.WriteLine($"{what,-44} {figure}  budget {budget}: {(met ? "met" : "MISSED")}");
        return met ? 0 : 1;
    }

    private static double MeasureFloorMemory(int count)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var dictionary = FilledFloor(count);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(dictionary);
        return (after - before) / (double)count;
    }

    private static ConcurrentDictionary<ulong, FloorSession> FilledFloor(int count)
    {
        var dictionary = new ConcurrentDictionary<ulong, FloorSession>();
        for (var i = 1; i <= count; i++)
        {
            dictionary.TryAdd((ulong)i, new FloorSession((ulong)i));
        }

        return dictionary;
    }

    /// <summary>Connects <paramref name="count"/> idle sessions (no peer, no storage) and keeps no reference to them: the manager's registry does.</summary>
    private static double MeasureSessionMemory(SessionManager manager, int count)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < count; i++)
        {
            Wait.For(manager.ConnectAsync(SessionType.Binary));
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        if (manager.Count != count)
        {
            throw new InvalidOperationException($"Expected {count} live sessions, found {manager.Count}.");
        }

        return (after - before) / (double)count;
    }

    /// <summary>
    /// Runs both sides twice to warm up (with a pause so that tiered compilation installs its optimized code), then
    /// <paramref name="rounds"/> rounds alternating which goes first; returns the medians.
    /// </summary>
    private static (double First, double Second) Interleave(int rounds, Func<double> first, Func<double> second)
    {
        for (var warmup = 0; warmup < 2; warmup++)
        {
            first();
            second();
            Thread.Sleep(300);
        }

        var a = new List<double>();
        var b = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            if (round % 2 == 0)
            {
                a.Add(first());
                b.Add(second());
            }
            else
            {
                b.Add(second());
                a.Add(first());
            }
        }

        return (Median(a), Median(b));
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }

    /// <summary>Nanoseconds per connect + disconnect.</summary>
    private static double TimeChurn(SessionManager manager, int ops)
    {
        var watch = Stopwatch.StartNew();
        Churn(manager, ops);
        return watch.Elapsed.TotalNanoseconds / ops;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Churn(SessionManager manager, int ops)
    {
        for (var i = 0; i < ops; i++)
        {
            var session = Wait.For(manager.ConnectAsync(SessionType.Binary));
            Wait.For(manager.DisconnectAsync(session));
        }
    }

    private static double TimeFloorChurn(ConcurrentDictionary<ulong, FloorSession> dictionary, int ops)
    {
        var watch = Stopwatch.StartNew();
        FloorChurn(dictionary, ops, 1UL << 40);
        return watch.Elapsed.TotalNanoseconds / ops;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FloorChurn(ConcurrentDictionary<ulong, FloorSession> dictionary, int ops, ulong firstId)
    {
        for (var i = 0; i < ops; i++)
        {
            var session = new FloorSession(firstId + (ulong)i);
            dictionary.TryAdd(session.Id, session);
            dictionary.TryRemove(session.Id, out _);
        }
    }

    /// <summary>Work that shares no memory and allocates nothing: what two threads can gain on this machine at best.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ulong Compute(int ops)
    {
        var x = (ulong)ops | 1;
        for (var i = 0; i < ops * 40; i++)
        {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }

        return x;
    }

    /// <summary>Operations per second of <paramref name="threads"/> threads each doing <paramref name="ops"/> connect + disconnect pairs at once.</summary>
    private static double Throughput(SessionManager manager, int threads, int ops) =>
        RunThreads(threads, ops, _ => Churn(manager, ops));

    private static double FloorThroughput(ConcurrentDictionary<ulong, FloorSession> dictionary, int threads, int ops) =>
        RunThreads(threads, ops, t => FloorChurn(dictionary, ops, ((ulong)t + 1) << 40));

    private static double RunThreads(int threads, int ops, Action<int> work)
    {
        using var start = new Barrier(threads + 1);
        var workers = new Thread[threads];
        for (var t = 0; t < threads; t++)
        {
            var index = t;
            workers[t] = new Thread(() =>
            {
                start.SignalAndWait();
                work(index);
            })
            { IsBackground = true };
            workers[t].Start();
        }

        start.SignalAndWait();
        var watch = Stopwatch.StartNew();
        foreach (var worker in workers)
        {
            worker.Join();
        }

        return threads * ops / watch.Elapsed.TotalSeconds;
    }

    private sealed record ScaleOptions(int Sessions, int Small, int Ops, int Rounds)
    {
        public static ScaleOptions? Parse(string[] args)
        {
            var options = new ScaleOptions(1_000_000, 1_000, 200_000, 7);
            for (var i = 0; i < args.Length; i++)
            {
                if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value <= 0)
                {
                    return null;
                }

                options = args[i] switch
                {
                    "--sessions" => options with { Sessions = value },
                    "--small" => options with { Small = value },
                    "--ops" => options with { Ops = value },
                    "--rounds" => options with { Rounds = value },
                    _ => null,
                };
                if (options is null)
                {
                    return null;
                }

                i++;
            }

            return options;
        }
    }
}
