using System.Collections.Concurrent;

namespace SessionKit.Tests.Triggers;

/// <summary>
/// Makes labelled triggers that record their runs, and reads a list back as labels, so a test can say
/// "the run was C, B, A" and "the list is C, B, A" the way Tarantool's tests do.
/// </summary>
/// <typeparam name="TContext">What the triggers receive.</typeparam>
internal sealed class TriggerProbe<TContext>
{
    private readonly ConcurrentQueue<string> _ran = new();
    private readonly ConcurrentDictionary<Delegate, string> _labels = new(ReferenceEqualityComparer.Instance);

    /// <summary>Gets the labels of the triggers that ran, in run order, since the last <see cref="Reset"/>.</summary>
    public IReadOnlyList<string> Ran => _ran.ToArray();

    /// <summary>Makes a new trigger (a new delegate, never equal to another one) that records <paramref name="label"/> and then runs <paramref name="body"/>.</summary>
    public Func<TContext, ValueTask> Make(string label, Action<TContext>? body = null)
    {
        Func<TContext, ValueTask> trigger = context =>
        {
            _ran.Enqueue(label);
            body?.Invoke(context);
            return default;
        };
        _labels[trigger] = label;
        return trigger;
    }

    /// <summary>Makes a trigger that records <paramref name="label"/> and throws <paramref name="error"/> synchronously.</summary>
    public Func<TContext, ValueTask> Failing(string label, Exception error) => Make(label, _ => throw error);

    /// <summary>Makes a trigger that records <paramref name="label"/>, yields, then runs <paramref name="body"/>.</summary>
    public Func<TContext, ValueTask> MakeAsync(string label, Action<TContext>? body = null)
    {
        Func<TContext, ValueTask> trigger = async context =>
        {
            _ran.Enqueue(label);
            await Task.Yield();
            body?.Invoke(context);
        };
        _labels[trigger] = label;
        return trigger;
    }

    /// <summary>Names a delegate made elsewhere so that listings can show it.</summary>
    public Func<TContext, ValueTask> Label(string label, Func<TContext, ValueTask> trigger)
    {
        _labels[trigger] = label;
        return trigger;
    }

    /// <summary>Gets the list in enumeration order as labels.</summary>
    public string[] Listing(TriggerList<TContext> list) => list.Select(info => _labels.TryGetValue(info.Handler, out var label) ? label : "?").ToArray();

    /// <summary>Runs the list once and returns what ran.</summary>
    public async Task<IReadOnlyList<string>> RunAsync(TriggerList<TContext> list, TContext context)
    {
        Reset();
        await list.InvokeAsync(context);
        return Ran;
    }

    public void Reset() => _ran.Clear();
}
