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
/// Thread-safe. Writers change the list under a lock; a run iterates one snapshot without a lock, so a trigger may
/// change its own list: a trigger added during a run waits for the next run, a trigger removed before its turn does
/// not run, and a named replacement made before the old trigger's turn runs in its place. No trigger is ever invoked
/// under a lock.
/// </para>
/// <para>
/// Bounded by <see cref="MaxCount"/>. Adding is amortised O(1) plus the duplicate scan the rules above require: the
/// run-order snapshot is built once, by the first run (or enumeration) after a change, not copied by every add.
/// </para>
/// </remarks>
public sealed partial class TriggerList<TContext> : IReadOnlyCollection<TriggerInfo<TContext>>
{
    // Guards _entries and the building of snapshots. Runs, enumeration and Count do not take it while the published
    // snapshot is current.
    private readonly Lock _lock = new();

    // The triggers, OLDEST first, so that an add is an append (amortised O(1)) instead of a copy of the whole list.
    // Read and written under _lock only.
    private readonly List<TriggerEntry<TContext>> _entries = [];

    // The run-order (newest first) array a run iterates; null after a change until a reader builds it (under _lock).
    // Never mutated once published, so a run that holds it is unaffected by later changes.
    private TriggerEntry<TContext>[]? _snapshot = [];

    // Written under _lock, read without it.
    private volatile int _count;

    /// <summary>The bound of a list created directly (the manager applies <see cref="SessionManagerOptions.MaxTriggersPerList"/> to its own).</summary>
    public const int DefaultMaxCount = 10_000;

    /// <summary>Gets the most triggers the list holds; adding a new one beyond it throws <see cref="InvalidOperationException"/>.</summary>
    /// <value><see cref="DefaultMaxCount"/> (10,000), or <see cref="SessionManagerOptions.MaxTriggersPerList"/> for a manager's lists.</value>
    public int MaxCount { get; internal set; } = DefaultMaxCount;

    /// <summary>Gets the number of triggers.</summary>
    public int Count => _count;

    /// <summary>Gets the run-order array: newest first. Never mutated once published.</summary>
    internal TriggerEntry<TContext>[] Snapshot => Volatile.Read(ref _snapshot) ?? BuildSnapshot();

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
                _entries.Add(new TriggerEntry<TContext>(null, trigger));
                Changed_NeedsLock();
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
                _entries.Add(new TriggerEntry<TContext>(name, trigger));
                Changed_NeedsLock();
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

            // Both leave (the new one may already be there: no duplicates), then the new one goes first (last here).
            foreach (var entry in _entries)
            {
                if (entry.Name is null && (entry.Handler.Equals(oldTrigger) || entry.Handler.Equals(newTrigger)))
                {
                    entry.IsRemoved = true;
                }
            }

            _entries.RemoveAll(static entry => entry.IsRemoved);
            _entries.Add(new TriggerEntry<TContext>(null, newTrigger));
            Changed_NeedsLock();
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

            _entries.Clear();
            _count = 0;
            Volatile.Write(ref _snapshot, []);
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
}
