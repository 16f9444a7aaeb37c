using System.Runtime.CompilerServices;

namespace SessionKit.Reliability.Tests.TriggerListModel;

/// <summary>
/// The probes of one sample, shared by the real list and the reference. A step's delegate objects are made once, by
/// whichever side applies the step first, so both sides hold the same objects and their listings compare exactly.
/// </summary>
internal sealed class ProbeSet(Probe[] probes)
{
    private readonly ConditionalWeakTable<Step, Func<TriggerRun, ValueTask>> _instances = new();
    private readonly ConditionalWeakTable<Step, Func<TriggerRun, ValueTask>> _replacements = new();

    public IReadOnlyList<Probe> Probes => probes;

    /// <summary>Gets the delegate the step passes for probe <see cref="Step.P"/>.</summary>
    public Func<TriggerRun, ValueTask> Instance(Step step) => _instances.GetValue(step, s => probes[s.P].Delegate(s.Fresh));

    /// <summary>Gets the delegate a Replace step puts in, for probe <see cref="Step.Q"/>.</summary>
    public Func<TriggerRun, ValueTask> Replacement(Step step) => _replacements.GetValue(step, s => probes[s.Q].Delegate(s.FreshReplacement));

    public override string ToString() => string.Join("; ", probes.Select(p => $"p{p.Id}: {p.Behaviour}"));
}
