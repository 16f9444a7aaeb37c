namespace SessionKit.Reliability.Tests.TriggerListModel;

/// <summary>What one run of the real list passes its triggers: the list (so they can change it) and the record of who ran.</summary>
internal sealed class TriggerRun(TriggerList<TriggerRun> list, IReadOnlyList<Probe> probes)
{
    public TriggerList<TriggerRun> List { get; } = list;

    public IReadOnlyList<Probe> Probes { get; } = probes;

    public List<int> Ran { get; } = [];
}
