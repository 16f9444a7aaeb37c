using BenchmarkDotNet.Attributes;
using SessionKit.Internal;

namespace SessionKit.Benchmarks.Benchmarks;

/// <summary>
/// Running a list of 3 synchronous triggers (<see cref="TriggerList{TContext}.InvokeAsync"/>), against a loop over the
/// same 3 delegates in an array. Budget: ratio ≤ 1.5 and 0 B.
/// </summary>
/// <remarks>
/// <c>TriggerRunner_RunAsync</c> is the internal runner the manager calls for <c>on_connect</c> and <c>on_auth</c>
/// (no error sink); <c>TriggerList_InvokeAsync</c> is the public call, which also turns a synchronous throw into a
/// faulted task.
/// </remarks>
public class TriggerRunBenchmarks
{
    private static readonly Func<SessionTriggerContext, ValueTask> First = static _ => default;
    private static readonly Func<SessionTriggerContext, ValueTask> Second = static _ => default;
    private static readonly Func<SessionTriggerContext, ValueTask> Third = static _ => default;

    private readonly TriggerList<SessionTriggerContext> _list = new();
    private Func<SessionTriggerContext, ValueTask>[] _array = [];

    [GlobalSetup]
    public void Setup()
    {
        _list.Add(Third);
        _list.Add(Second);
        _list.Add(First);
        _array = [First, Second, Third];

        // The same three, in the same order.
        TriggerEntry<SessionTriggerContext>[] snapshot = _list.Snapshot;
        if (snapshot.Length != 3 || snapshot[0].Handler != First || snapshot[2].Handler != Third)
        {
            throw new InvalidOperationException("The trigger list does not hold the three triggers in run order.");
        }
    }

    [Benchmark(Baseline = true)]
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
    public void TriggerRunner_RunAsync()
    {
        var pending = TriggerRunner.RunAsync(_list.Snapshot, new SessionTriggerContext(null!, CancellationToken.None), null);
        pending.GetAwaiter().GetResult();
    }

    [Benchmark]
    public void TriggerList_InvokeAsync()
    {
        var pending = _list.InvokeAsync(new SessionTriggerContext(null!, CancellationToken.None));
        pending.GetAwaiter().GetResult();
    }
}
