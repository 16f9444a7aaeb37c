namespace SessionKit;

/// <summary>One entry of a <see cref="TriggerList{TContext}"/> as enumeration shows it (Tarantool's <c>trigger.info</c>).</summary>
/// <typeparam name="TContext">What the trigger receives.</typeparam>
public readonly struct TriggerInfo<TContext>
{
    /// <summary>Initializes a new instance of the <see cref="TriggerInfo{TContext}"/> struct.</summary>
    /// <param name="name">The name, or <see langword="null"/> for a trigger added without one.</param>
    /// <param name="handler">The trigger.</param>
    public TriggerInfo(string? name, Func<TContext, ValueTask> handler)
    {
        Name = name;
        Handler = handler;
    }

    /// <summary>Gets the name, or <see langword="null"/> for a trigger added without one.</summary>
    public string? Name { get; }

    /// <summary>Gets the trigger.</summary>
    public Func<TContext, ValueTask> Handler { get; }

    /// <inheritdoc/>
    public override string ToString() => Name ?? Handler.Method.Name;
}
