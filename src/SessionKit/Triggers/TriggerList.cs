using System.Collections;
using SessionKit.Internal;

namespace SessionKit;

/// <summary>
/// An ordered list of triggers with Tarantool 3.x's add / replace / delete semantics. Triggers run newest first.
/// </summary>
/// <typeparam name="TContext">What each trigger receives.</typeparam>
/// <remarks>
/// <list type="table">
/// <listheader><term>call</term><description>effect</description></listheader>
/// <item><term><see cref="Add(Func{TContext, ValueTask})"/></term><description>puts the trigger first; adding one already present (an equal delegate) changes nothing.</description></item>
/// <item><term><see cref="Add(string, Func{TContext, ValueTask})"/></term><description>a new name goes first; an existing name is replaced in place.</description></item>
/// <item><term><see cref="Replace"/></term><description>the old trigger leaves and the new one goes first; <c>Replace(t, t)</c> keeps the place.</description></item>
/// <item><term><see cref="Remove(Func{TContext, ValueTask})"/></term><description>removes; a missing trigger throws <see cref="TriggerNotFoundException"/>.</description></item>
/// <item><term><see cref="Remove(string)"/></term><description>removes by name; returns <see langword="false"/> when absent.</description></item>
/// </list>
/// <para>
/// Unnamed triggers are identified by their delegate (<see cref="Delegate.Equals(object)"/>, so the same method group
/// converted twice is the same trigger); named triggers by their name. The same delegate may be registered once
/// unnamed and under any number of names.
/// </para>
/// <para>
/// Thread-safe. Writers publish a new array under a lock; a run iterates one snapshot without a lock, so a trigger may
/// change its own list: a trigger added during a run waits for the next run, a trigger removed before its turn does
/// not run, and a named replacement made before the old trigger's turn runs in its place. No trigger is ever invoked
/// under a lock.
/// </para>
/// </remarks>
public sealed class TriggerList<TContext> : IReadOnlyCollection<TriggerInfo<TContext>>
{
    // Guards writers only. Readers (runs, enumeration, Count) take the published array with a volatile read.
    private readonly Lock _lock = new();
    private TriggerEntry<TContext>[] _entries = [];

    /// <summary>The bound of a list created directly (the manager applies <see cref="SessionOptions.MaxTriggersPerList"/> to its own).</summary>
    public const int DefaultMaxCount = 10_000;

    /// <summary>Gets the most triggers the list holds; adding a new one beyond it throws <see cref="InvalidOperationException"/>.</summary>
    /// <value><see cref="DefaultMaxCount"/> (10,000), or <see cref="SessionOptions.MaxTriggersPerList"/> for a manager's lists.</value>
    public int MaxCount { get; internal set; } = DefaultMaxCount;

    /// <summary>Gets the number of triggers.</summary>
    public int Count => Volatile.Read(ref _entries).Length;

    /// <summary>Gets the published array: newest first. Never mutated once published.</summary>
    internal TriggerEntry<TContext>[] Snapshot => Volatile.Read(ref _entries);

    /// <summary>Adds an unnamed trigger first in run order; adding one that is already there changes nothing.</summary>
    /// <param name="trigger">The trigger.</param>
    /// <returns><paramref name="trigger"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="trigger"/> is null; the list is unchanged.</exception>
    /// <exception cref="InvalidOperationException">The trigger is new and the list already holds <see cref="MaxCount"/> triggers; the list is unchanged.</exception>
    public Func<TContext, ValueTask> Add(Func<TContext, ValueTask> trigger)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        lock (_lock)
        {
            if (IndexOfUnnamed_NeedsLock(trigger) < 0)
            {
                ThrowIfFull_NeedsLock();
                Publish_NeedsLock(Prepend(_entries, new TriggerEntry<TContext>(null, trigger)));
            }
        }

        return trigger;
    }

    /// <summary>Adds a named trigger: a new name goes first in run order; an existing name gets the new trigger in place.</summary>
    /// <param name="name">The name: not empty, at most 256 characters, no control characters.</param>
    /// <param name="trigger">The trigger.</param>
    /// <returns><paramref name="trigger"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="trigger"/> is null; the list is unchanged.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, whitespace, too long or has control characters or lone surrogates.</exception>
    /// <exception cref="InvalidOperationException">The name is new and the list already holds <see cref="MaxCount"/> triggers; the list is unchanged.</exception>
    public Func<TContext, ValueTask> Add(string name, Func<TContext, ValueTask> trigger)
    {
        Names.Validate(name, nameof(name), "trigger name");
        ArgumentNullException.ThrowIfNull(trigger);
        lock (_lock)
        {
            var index = IndexOfName_NeedsLock(name);
            if (index >= 0)
            {
                // In place: a run that has not reached this slot yet runs the new trigger (Tarantool 3.x).
                _entries[index].Handler = trigger;
            }
            else
            {
                ThrowIfFull_NeedsLock();
                Publish_NeedsLock(Prepend(_entries, new TriggerEntry<TContext>(name, trigger)));
            }
        }

        return trigger;
    }

    /// <summary>Replaces an unnamed trigger: <paramref name="oldTrigger"/> leaves and <paramref name="newTrigger"/> goes first.</summary>
    /// <param name="oldTrigger">The trigger to replace.</param>
    /// <param name="newTrigger">The replacement. <c>Replace(t, t)</c> keeps <c>t</c> where it is.</param>
    /// <returns><paramref name="newTrigger"/>.</returns>
    /// <exception cref="ArgumentNullException">Either argument is null; the list is unchanged.</exception>
    /// <exception cref="TriggerNotFoundException"><paramref name="oldTrigger"/> is not in the list; the list is unchanged.</exception>
    public Func<TContext, ValueTask> Replace(Func<TContext, ValueTask> oldTrigger, Func<TContext, ValueTask> newTrigger)
    {
        ArgumentNullException.ThrowIfNull(oldTrigger);
        ArgumentNullException.ThrowIfNull(newTrigger);
        lock (_lock)
        {
            var oldIndex = IndexOfUnnamed_NeedsLock(oldTrigger);
            if (oldIndex < 0)
            {
                throw new TriggerNotFoundException();
            }

            if (oldTrigger.Equals(newTrigger))
            {
                return newTrigger;
            }

            var current = _entries;
            var next = new List<TriggerEntry<TContext>>(current.Length) { new(null, newTrigger) };
            foreach (var entry in current)
            {
                if (entry.Name is null && (entry.Handler.Equals(oldTrigger) || entry.Handler.Equals(newTrigger)))
                {
                    entry.IsRemoved = true;
                }
                else
                {
                    next.Add(entry);
                }
            }

            Publish_NeedsLock(next.ToArray());
        }

        return newTrigger;
    }

    /// <summary>Removes an unnamed trigger.</summary>
    /// <param name="trigger">The trigger.</param>
    /// <exception cref="ArgumentNullException"><paramref name="trigger"/> is null; the list is unchanged.</exception>
    /// <exception cref="TriggerNotFoundException"><paramref name="trigger"/> is not in the list (as an unnamed trigger).</exception>
    public void Remove(Func<TContext, ValueTask> trigger)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        lock (_lock)
        {
            var index = IndexOfUnnamed_NeedsLock(trigger);
            if (index < 0)
            {
                throw new TriggerNotFoundException();
            }

            RemoveAt_NeedsLock(index);
        }
    }

    /// <summary>Removes a named trigger.</summary>
    /// <param name="name">The name.</param>
    /// <returns><see langword="true"/> when it was removed; <see langword="false"/> when no trigger has that name.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, whitespace, too long or has control characters.</exception>
    public bool Remove(string name)
    {
        Names.Validate(name, nameof(name), "trigger name");
        lock (_lock)
        {
            var index = IndexOfName_NeedsLock(name);
            if (index < 0)
            {
                return false;
            }

            RemoveAt_NeedsLock(index);
            return true;
        }
    }

    /// <summary>Removes every trigger.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            foreach (var entry in _entries)
            {
                entry.IsRemoved = true;
            }

            Publish_NeedsLock([]);
        }
    }

    /// <summary>
    /// Runs the triggers newest first with <paramref name="context"/> and stops at the first error, which propagates
    /// (Tarantool's <c>trigger.call</c>). Triggers that complete synchronously cost no allocation.
    /// </summary>
    /// <param name="context">What each trigger receives.</param>
    /// <returns>A task that completes when every trigger has run, or faults with the first error.</returns>
    public ValueTask InvokeAsync(TContext context)
    {
        // A trigger that throws synchronously faults the returned task, as one that throws after awaiting does.
        return TriggerRunner.RunCatchingAsync(Snapshot, context);
    }

    /// <summary>Enumerates a snapshot of the triggers in run order (newest first), with their names.</summary>
    /// <returns>The enumerator.</returns>
    public IEnumerator<TriggerInfo<TContext>> GetEnumerator()
    {
        foreach (var entry in Snapshot)
        {
            yield return new TriggerInfo<TContext>(entry.Name, entry.Handler);
        }
    }

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static TriggerEntry<TContext>[] Prepend(TriggerEntry<TContext>[] current, TriggerEntry<TContext> first)
    {
        var next = new TriggerEntry<TContext>[current.Length + 1];
        next[0] = first;
        Array.Copy(current, 0, next, 1, current.Length);
        return next;
    }

    private int IndexOfUnnamed_NeedsLock(Func<TContext, ValueTask> trigger)
    {
        var entries = _entries;
        for (var i = 0; i < entries.Length; i++)
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
        for (var i = 0; i < entries.Length; i++)
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
        var current = _entries;

        // Marked before the new array is published so a run already holding the old array skips it.
        current[index].IsRemoved = true;
        var next = new TriggerEntry<TContext>[current.Length - 1];
        Array.Copy(current, 0, next, 0, index);
        Array.Copy(current, index + 1, next, index, current.Length - index - 1);
        Publish_NeedsLock(next);
    }

    private void ThrowIfFull_NeedsLock()
    {
        if (_entries.Length >= MaxCount)
        {
            throw new InvalidOperationException(
                $"The trigger list already holds {MaxCount} triggers, its bound (SessionOptions.MaxTriggersPerList); remove one before adding another.");
        }
    }

    private void Publish_NeedsLock(TriggerEntry<TContext>[] next) => Volatile.Write(ref _entries, next);
}
