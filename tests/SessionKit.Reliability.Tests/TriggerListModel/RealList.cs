namespace SessionKit.Reliability.Tests.TriggerListModel;

/// <summary>The system under test: a real <see cref="TriggerList{TContext}"/> and the outcome of the last step applied to it.</summary>
internal sealed class RealList(ProbeSet probes)
{
    public TriggerList<TriggerRun> List { get; } = new();

    public Outcome Last { get; private set; } = Outcome.None;

    public IEnumerable<string> Listing() =>
        List.Select(info => $"{info.Name ?? "-"}:p{((Probe)info.Handler.Target!).Id}@{Probe.InstanceId(info.Handler)}");

    public void Apply(Step step) => Last = step.Kind switch
    {
        StepKind.Invoke => Invoke(),
        StepKind.Add => Observe(() => List.Add(probes.Instance(step))),
        StepKind.AddNamed => Observe(() => List.Add(step.Name, probes.Instance(step))),
        StepKind.Replace => Observe(() => List.Replace(probes.Instance(step), probes.Replacement(step))),
        StepKind.Remove => Observe(() =>
        {
            List.Remove(probes.Instance(step));
            return null;
        }),
        StepKind.RemoveNamed => Observe(() => List.Remove(step.Name)),
        _ => Observe(() =>
        {
            List.Clear();
            return null;
        }),
    };

    public override string ToString() => $"[{string.Join(", ", Listing())}] last: {Last}";

    private static Outcome Observe(Func<object?> call)
    {
        try
        {
            return new Outcome(Outcome.Describe(call()), null);
        }
        catch (Exception ex)
        {
            return new Outcome(null, Outcome.Describe(ex));
        }
    }

    private Outcome Invoke()
    {
        var run = new TriggerRun(List, probes.Probes);
        Exception? thrown = null;
        try
        {
            // CsCheck applies model-based steps synchronously. The sample runs on pool threads without a
            // synchronization context, so a probe's Task.Yield resumes on another pool thread and this wait ends.
            List.InvokeAsync(run).AsTask().GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            thrown = ex;
        }

        return new Outcome(string.Join(",", run.Ran), Outcome.Describe(thrown));
    }
}
