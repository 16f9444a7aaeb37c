using System.Runtime.CompilerServices;

namespace SessionKit.Reliability.Tests.TriggerListModel;

/// <summary>
/// One trigger identity. Its delegates are <c>new Func(probe.Run)</c>: two conversions are different objects but
/// equal delegates, which is how the list identifies unnamed triggers (Delegate.Equals).
/// </summary>
internal sealed class Probe(int id, Behaviour behaviour)
{
    private static readonly ConditionalWeakTable<Delegate, object> Ids = new();
    private static int _next;
    private Func<TriggerRun, ValueTask>? _cached;

    public int Id { get; } = id;

    public Behaviour Behaviour { get; } = behaviour;

    /// <summary>Gets a number that tells delegate objects apart (equal delegates are not the same instance).</summary>
    public static int InstanceId(Delegate d) => (int)Ids.GetValue(d, static _ => Interlocked.Increment(ref _next));

    /// <summary>Gets this probe's usual delegate, or a new equal one when <paramref name="fresh"/>.</summary>
    public Func<TriggerRun, ValueTask> Delegate(bool fresh)
    {
        if (fresh || _cached is null)
        {
            var made = new Func<TriggerRun, ValueTask>(Run);
            _ = InstanceId(made);
            _cached ??= made;
            return made;
        }

        return _cached;
    }

    public ValueTask Run(TriggerRun run)
    {
        run.Ran.Add(Id);
        if (Behaviour.Yields)
        {
            return RunLaterAsync(run);
        }

        Act(run);
        return ValueTask.CompletedTask;
    }

    private async ValueTask RunLaterAsync(TriggerRun run)
    {
        await Task.Yield();
        Act(run);
    }

    private void Act(TriggerRun run)
    {
        var b = Behaviour;
        var list = run.List;
        switch (b.Kind)
        {
            case ProbeKind.Throw:
                throw new ProbeException(Id);
            case ProbeKind.Add:
                list.Add(run.Probes[b.Target].Delegate(false));
                break;
            case ProbeKind.AddNamed:
                list.Add(b.Name, run.Probes[b.Target].Delegate(false));
                break;
            case ProbeKind.Remove:
                list.Remove(run.Probes[b.Target].Delegate(false));
                break;
            case ProbeKind.RemoveNamed:
                list.Remove(b.Name);
                break;
            case ProbeKind.Replace:
                list.Replace(run.Probes[b.Target].Delegate(false), run.Probes[b.Target2].Delegate(false));
                break;
        }
    }
}
