namespace SessionKit.Reliability.Tests.TriggerListModel;

/// <summary>What a probe trigger does to the list it runs from. Nothing comes first: CsCheck shrinks towards it.</summary>
internal enum ProbeKind
{
    Nothing,
    Throw,
    Add,
    AddNamed,
    Remove,
    RemoveNamed,
    Replace,
}
