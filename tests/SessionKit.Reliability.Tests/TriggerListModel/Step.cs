namespace SessionKit.Reliability.Tests.TriggerListModel;

/// <summary>
/// One call on the list. <see cref="P"/> and <see cref="Q"/> are probe numbers; <see cref="Fresh"/> passes a new
/// delegate object equal to the probe's usual one (the list must treat them as the same trigger).
/// </summary>
internal sealed record Step(StepKind Kind, int P, int Q, string Name, bool Fresh, bool FreshReplacement)
{
    public override string ToString() => Kind switch
    {
        StepKind.Invoke => "InvokeAsync",
        StepKind.Add => $"Add(p{P}{(Fresh ? " fresh" : string.Empty)})",
        StepKind.AddNamed => $"Add({Name}, p{P}{(Fresh ? " fresh" : string.Empty)})",
        StepKind.Replace => $"Replace(p{P}{(Fresh ? " fresh" : string.Empty)}, p{Q}{(FreshReplacement ? " fresh" : string.Empty)})",
        StepKind.Remove => $"Remove(p{P}{(Fresh ? " fresh" : string.Empty)})",
        StepKind.RemoveNamed => $"Remove({Name})",
        _ => "Clear()",
    };
}
