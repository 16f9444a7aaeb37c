namespace SessionKit.Reliability.Tests.TriggerListModel;

/// <summary>What one step returned or threw, described so the real list and the reference compare as text.</summary>
internal sealed record Outcome(string? Value, string? Error)
{
    public static readonly Outcome None = new(null, null);

    public override string ToString() => Error ?? Value ?? "ok";

    public static string? Describe(object? value) => value switch
    {
        null => null,
        Func<TriggerRun, ValueTask> d => "delegate#" + ((Probe)d.Target!).Id + "@" + Probe.InstanceId(d),
        bool b => b ? "true" : "false",
        _ => value.ToString(),
    };

    public static string? Describe(Exception? ex) => ex switch
    {
        null => null,
        ProbeException p => "probe-exception#" + p.ProbeId,
        TriggerNotFoundException t => "TriggerNotFoundException: " + t.Message,
        _ => ex.GetType().Name + ": " + ex.Message,
    };
}
