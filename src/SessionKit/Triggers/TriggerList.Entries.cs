using SessionKit.Internal;

namespace SessionKit;

/// <content>The entry bookkeeping of <see cref="TriggerList{TContext}"/>: lookups, removal, the bound and the run-order snapshot.</content>
public sealed partial class TriggerList<TContext>
{
    /// <summary>Builds and publishes the run-order array after a change; the first reader after the change pays for it.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private TriggerEntry<TContext>[] BuildSnapshot()
    {
        lock (_lock)
        {
            var snapshot = _snapshot;
            if (snapshot is null)
            {
                snapshot = new TriggerEntry<TContext>[_entries.Count];
                for (int i = 0, j = _entries.Count - 1; j >= 0; i++, j--)
                {
                    snapshot[i] = _entries[j];
                }

                Volatile.Write(ref _snapshot, snapshot);
            }

            return snapshot;
        }
    }

    private int IndexOfUnnamed_NeedsLock(Func<TContext, ValueTask> trigger)
    {
        var entries = _entries;
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Name is null && entries[i].Handler.Equals(trigger))
            {
                return i;
            }
        }

        return -1;
    }

    private int IndexOfName_NeedsLock(string name)
    {
        var entries = _entries;
        for (var i = 0; i < entries.Count; i++)
        {
            if (string.Equals(entries[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private void RemoveAt_NeedsLock(int index)
    {
        // Marked before the snapshot is invalidated so a run already holding the old array skips it.
        _entries[index].IsRemoved = true;
        _entries.RemoveAt(index);
        Changed_NeedsLock();
    }

    private void ThrowIfFull_NeedsLock()
    {
        if (_entries.Count >= MaxCount)
        {
            throw new InvalidOperationException(
                $"The trigger list already holds {MaxCount} triggers, its bound (SessionManagerOptions.MaxTriggersPerList); remove one before adding another.");
        }
    }

    /// <summary>Publishes a change: the count, and no snapshot until the next reader builds one.</summary>
    private void Changed_NeedsLock()
    {
        _count = _entries.Count;
        Volatile.Write(ref _snapshot, null);
    }
}
