using System.Runtime.InteropServices;

namespace SessionKit.Internal;

/// <summary>
/// A <see cref="long"/> with a cache line of padding on each side, for a field that every operation writes with
/// <see cref="Interlocked"/> (the last session id) so that its line does not also carry fields every operation reads.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct PaddedLong
{
    /// <summary>The value; use <see cref="Interlocked"/> or <see cref="Volatile"/> on it.</summary>
    [FieldOffset(64)]
    public long Value;
}
