namespace SessionKit.Reliability.Tests.TriggerListModel;

/// <summary>What a probe does when it runs: its change to the list (targets are probe numbers), and whether it awaits first.</summary>
internal sealed record Behaviour(ProbeKind Kind, bool Yields, int Target, int Target2, string Name)
{
    public override string ToString() => (Yields ? "yield, then " : string.Empty) + Kind switch
    {
        ProbeKind.Nothing => "nothing",
        ProbeKind.Throw => "throw",
        ProbeKind.Add => $"Add(p{Target})",
        ProbeKind.AddNamed => $"Add({Name}, p{Target})",
        ProbeKind.Remove => $"Remove(p{Target})",
        ProbeKind.RemoveNamed => $"Remove({Name})",
        _ => $"Replace(p{Target}, p{Target2})",
    };
}
