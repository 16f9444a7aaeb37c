using System.Runtime.InteropServices;

namespace SessionKit.Internal;

/// <summary>
/// A counter that several cores update without sharing a cache line: each core adds to its own padded cell and a read
/// sums the cells. Increments and decrements are exact; a read taken while others update is a snapshot, never negative,
/// and exact once they stop (as <c>ConcurrentDictionary.Count</c> is).
/// </summary>
/// <remarks>
/// Every connect and every disconnect changes the registry's counters. As plain fields they sat on one cache line with
/// the fields every operation reads, so two threads churning sessions spent their time passing that line back and
/// forth. A cell is chosen by the current processor, which the runtime caches per thread, so the cell is usually
/// already in the core's cache; an operation that resumes on another core decrements another cell, which the sum
/// does not mind.
/// </remarks>
internal sealed class StripedCounter
{
    private readonly Cell[] _cells;
    private readonly int _mask;

    public StripedCounter()
    {
        // A power of two at least the processor count, capped: beyond 64 cells the sum costs more than it saves.
        var cells = (int)Math.Min(64, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Environment.ProcessorCount));
        _cells = new Cell[cells];
        _mask = cells - 1;
    }

    /// <summary>Adds one.</summary>
    public void Increment() => Interlocked.Increment(ref _cells[Thread.GetCurrentProcessorId() & _mask].Value);

    /// <summary>Subtracts one.</summary>
    public void Decrement() => Interlocked.Decrement(ref _cells[Thread.GetCurrentProcessorId() & _mask].Value);

    /// <summary>Sums the cells (see the class remarks for what a read under concurrent updates means).</summary>
    public int Read()
    {
        long sum = 0;
        var cells = _cells;
        for (var i = 0; i < cells.Length; i++)
        {
            sum += Volatile.Read(ref cells[i].Value);
        }

        return (int)Math.Max(0, sum);
    }

    // 128 bytes: a cache line on each side of the value, so neither the next cell nor adjacent-line prefetching
    // couples two cores.
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct Cell
    {
        [FieldOffset(64)]
        public int Value;
    }
}
