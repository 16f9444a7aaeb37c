namespace SessionKit.Reliability.Tests.TriggerListModel;

/// <summary>The error a throwing probe raises, carrying which probe it was.</summary>
internal sealed class ProbeException(int probeId) : Exception("probe " + probeId)
{
    public int ProbeId { get; } = probeId;
}
