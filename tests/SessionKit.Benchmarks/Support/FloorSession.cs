namespace SessionKit.Benchmarks.Support;

/// <summary>The "small object" of the baselines: what the least session object must hold (an id and one reference).</summary>
public sealed class FloorSession(ulong id)
{
    public ulong Id { get; } = id;

    public object? State { get; set; }
}
