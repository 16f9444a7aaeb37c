namespace SessionKit.Internal;

/// <summary>
/// A slot in a trigger list. The list keeps its slots in a private list and publishes run-order arrays of them, built
/// after a change by the next reader and never mutated once published; a run iterates one array without a lock.
/// </summary>
/// <remarks>
/// Two fields are mutable so that a run in progress sees changes made by triggers that ran before a slot's turn, as
/// Tarantool 3.x does: <see cref="Handler"/> is swapped in place by a named replace, and <see cref="IsRemoved"/> is set
/// when the slot leaves the list. Both are written under the list's lock and read without it (volatile).
/// </remarks>
internal sealed class TriggerEntry<TContext>
{
    private volatile Func<TContext, ValueTask> _handler;
    private volatile bool _removed;

    public TriggerEntry(string? name, Func<TContext, ValueTask> handler)
    {
        Name = name;
        _handler = handler;
    }

    /// <summary>Gets the name; <see langword="null"/> for an unnamed trigger, whose identity is its delegate.</summary>
    public string? Name { get; }

    public Func<TContext, ValueTask> Handler
    {
        get => _handler;
        set => _handler = value;
    }

    public bool IsRemoved
    {
        get => _removed;
        set => _removed = value;
    }

    /// <summary>Gets a name for logs: the given name, or the delegate's method name.</summary>
    public string DisplayName => Name ?? _handler.Method.Name;
}
