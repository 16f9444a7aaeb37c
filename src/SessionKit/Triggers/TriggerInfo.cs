namespace SessionKit;

/// <summary>One entry of a <see cref="TriggerList{TContext}"/> as enumeration shows it (Tarantool's <c>trigger.info</c>).</summary>
/// <typeparam name="TContext">What the trigger receives.</typeparam>
/// <remarks><c>default(TriggerInfo&lt;TContext&gt;)</c> describes no trigger: no name, a handler that does nothing.</remarks>
public readonly struct TriggerInfo<TContext>
{
    // The handler default(TriggerInfo<TContext>) reports, so that reading Handler never gives null.
    private static readonly Func<TContext, ValueTask> NoTrigger = static _ => ValueTask.CompletedTask;

    private readonly Func<TContext, ValueTask>? _handler;

    /// <summary>Initializes a new instance of the <see cref="TriggerInfo{TContext}"/> struct.</summary>
    /// <param name="name">The name, or <see langword="null"/> for a trigger added without one.</param>
    /// <param name="handler">The trigger.</param>
    public TriggerInfo(string? name, Func<TContext, ValueTask> handler)
    {
        Name = name;
        _handler = handler;
    }

    /// <summary>Gets the name, or <see langword="null"/> for a trigger added without one.</summary>
    public string? Name { get; }

    /// <summary>Gets the trigger; for <c>default</c>, a handler that does nothing.</summary>
    public Func<TContext, ValueTask> Handler => _handler ?? NoTrigger;

    /// <inheritdoc/>
    public override string ToString() => Name ?? _handler?.Method.Name ?? "(no trigger)";

}
