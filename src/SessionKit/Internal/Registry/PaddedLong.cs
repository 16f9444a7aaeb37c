using System.Runtime.InteropServices;

namespace SessionKit.Internal;

/// <summary>
/// A <see cref="long"/> with a cache line of padding on each side, for a counter that every connect or disconnect
/// writes with <see cref="Interlocked"/>, so that its line carries neither another counter nor fields every operation
/// only reads.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct PaddedLong
{
    /// <summary>The value; use <see cref="Interlocked"/> or <see cref="Volatile"/> on it.</summary>
    [FieldOffset(64)]
    public long Value;
}
