using BenchmarkDotNet.Attributes;

namespace SessionKit.Benchmarks.Benchmarks;

/// <summary>
/// Filling a trigger list with <see cref="Count"/> distinct unnamed triggers, one <see cref="TriggerList{TContext}.Add(Func{TContext, ValueTask})"/>
/// at a time (issue 12: adding the 10,000th trigger must not copy the whole list). Baseline: a <see cref="List{T}"/>
/// that checks for a duplicate (the linear scan the no-duplicates rule needs) and appends — the floor of the
/// semantics. A ratio that grows with <see cref="Count"/> means each add pays more than that scan.
/// </summary>
public class TriggerAddBenchmarks
{
    private Func<SessionTriggerContext, ValueTask>[] _triggers = [];

    [Params(1_000, 10_000)]
    public int Count { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // Distinct closures (distinct targets), as triggers registered per session or per handler object are.
        _triggers = Enumerable.Range(0, Count).Select(i => (Func<SessionTriggerContext, ValueTask>)(_ => i < 0 ? ValueTask.FromException(new InvalidOperationException()) : default)).ToArray();
    }

    [Benchmark(Baseline = true)]
    public int List_ContainsThenAdd()
    {
        var list = new List<Func<SessionTriggerContext, ValueTask>>();
        foreach (var trigger in _triggers)
        {
            if (!list.Contains(trigger))
            {
                list.Add(trigger);
            }
        }

        return list.Count;
    }

    [Benchmark]
    public int TriggerList_Add()
    {
        var list = new TriggerList<SessionTriggerContext>();
        foreach (var trigger in _triggers)
        {
            list.Add(trigger);
        }

        return list.Count;
    }
}
