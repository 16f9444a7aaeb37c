using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using SessionKit.Internal;

namespace SessionKit.Benchmarks.Benchmarks;

/// <summary>
/// Running a list of 3 synchronous triggers, with one floor per category (issue 13, "Performance"):
/// <list type="bullet">
/// <item><description><c>Runner</c>: the internal runner the manager calls for <c>on_connect</c> and <c>on_auth</c> (no
/// error sink), against a loop over the same 3 delegates in an array, inlined into the benchmark. Budget: ratio ≤ 1.5
/// and 0 B.</description></item>
/// <item><description><c>InvokeAsync</c>: the public <see cref="TriggerList{TContext}.InvokeAsync"/>, which must turn a
/// synchronous throw into a faulted task, against the same loop in a method that is never inlined and catches (what
/// any method with an exception handler pays). Budget: ratio ≤ 1.2 and 0 B.</description></item>
/// </list>
/// </summary>
/// <remarks>
/// The delegates are instance fields set in the constructor, not <c>static readonly</c>: the JIT treats a
/// <c>static readonly</c> delegate as a constant and may inline its target, which no trigger list can have.
/// </remarks>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class TriggerRunBenchmarks
{
    private readonly Func<SessionTriggerContext, ValueTask> _first;
    private readonly Func<SessionTriggerContext, ValueTask> _second;
    private readonly Func<SessionTriggerContext, ValueTask> _third;
    private readonly TriggerList<SessionTriggerContext> _list = new();
    private Func<SessionTriggerContext, ValueTask>[] _array = [];

    public TriggerRunBenchmarks()
    {
        _first = static _ => default;
        _second = static _ => default;
        _third = static _ => default;
    }

    [GlobalSetup]
    public void Setup()
    {
        _list.Add(_third);
        _list.Add(_second);
        _list.Add(_first);
        _array = [_first, _second, _third];

        // The same three, in the same order.
        TriggerEntry<SessionTriggerContext>[] snapshot = _list.Snapshot;
        if (snapshot.Length != 3 || snapshot[0].Handler != _first || snapshot[2].Handler != _third)
        {
            throw new InvalidOperationException("The trigger list does not hold the three triggers in run order.");
        }
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Runner")]
    public void DelegateArray_Loop()
    {
        var context = new SessionTriggerContext(null!, CancellationToken.None);
        var array = _array;
        for (var i = 0; i < array.Length; i++)
        {
            array[i](context).GetAwaiter().GetResult();
        }
    }

    [Benchmark]
    [BenchmarkCategory("Runner")]
    public void TriggerRunner_RunAsync()
    {
        var pending = TriggerRunner.RunAsync(_list.Snapshot, new SessionTriggerContext(null!, CancellationToken.None), null);
        pending.GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("InvokeAsync")]
    public void DelegateArray_NonInlinedCatchingLoop()
    {
        var pending = RunCatching(_array, new SessionTriggerContext(null!, CancellationToken.None));
        pending.GetAwaiter().GetResult();
    }

    [Benchmark]
    [BenchmarkCategory("InvokeAsync")]
    public void TriggerList_InvokeAsync()
    {
        var pending = _list.InvokeAsync(new SessionTriggerContext(null!, CancellationToken.None));
        pending.GetAwaiter().GetResult();
    }

    // The floor of a call that faults its task instead of throwing: the loop of DelegateArray_Loop with one handler
    // around it, in a frame of its own like SessionKit's catching loop. NoInlining pins that frame whatever the JIT
    // would decide, so the floor never gets cheaper than any catching method can be.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ValueTask RunCatching(Func<SessionTriggerContext, ValueTask>[] array, SessionTriggerContext context)
    {
        try
        {
            for (var i = 0; i < array.Length; i++)
            {
                array[i](context).GetAwaiter().GetResult();
            }

            return default;
        }
        catch (Exception ex)
        {
            return ValueTask.FromException(ex);
        }
    }
}
