namespace SessionKit.Reliability.Tests.TriggerListModel;

/// <summary>The calls a test step makes on the list.</summary>
internal enum StepKind
{
    Invoke,
    Add,
    AddNamed,
    Replace,
    Remove,
    RemoveNamed,
    Clear,
}
