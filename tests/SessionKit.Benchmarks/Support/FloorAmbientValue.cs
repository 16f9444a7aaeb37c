namespace SessionKit.Benchmarks.Support;

/// <summary>
/// The value the <c>Enter</c> and <c>Su</c> floors store in their <see cref="AsyncLocal{T}"/>: a fresh object per scope
/// with the shape of SessionKit's ambient value (four references and a 64-bit sync, 56 bytes on 64-bit), because any
/// request-local sync needs a new value per scope (docs/benchmarks.md, "Enter and Su: one 56 B object per scope").
/// <see cref="AllocatedSize.CheckFloorAmbientValueMatchesLibrary"/> fails the run when the two sizes differ.
/// </summary>
public sealed class FloorAmbientValue(object? holder, ulong sync, object? user, object? parent)
{
    public object? Holder { get; } = holder;

    public ulong Sync { get; } = sync;

    public object? User { get; } = user;

    public object? Parent { get; } = parent;

    // The fourth reference: SessionKit's value keeps its exit state here.
    public object? Exit { get; set; }
}
