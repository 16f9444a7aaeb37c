namespace SessionKit;

/// <summary>
/// Thrown by <see cref="TriggerList{TContext}.Replace"/> and <see cref="TriggerList{TContext}.Remove(Func{TContext, ValueTask})"/>
/// when the trigger to replace or remove is not in the list. The message is Tarantool's: <c>trigger reset: Trigger is not found</c>.
/// </summary>
public sealed class TriggerNotFoundException : SessionKitException
{
    /// <summary>The message, as Tarantool words it.</summary>
    public const string DefaultMessage = "trigger reset: Trigger is not found";

    /// <summary>Initializes a new instance of the <see cref="TriggerNotFoundException"/> class.</summary>
    public TriggerNotFoundException()
        : base(DefaultMessage)
    {
    }
}
