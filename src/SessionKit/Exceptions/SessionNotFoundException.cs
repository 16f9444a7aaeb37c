namespace SessionKit;

/// <summary>Thrown when an id names no live session of the manager.</summary>
public sealed class SessionNotFoundException : SessionKitException
{
    /// <summary>Initializes a new instance of the <see cref="SessionNotFoundException"/> class.</summary>
    /// <param name="sessionId">The id that was looked up.</param>
    /// <param name="message">The message.</param>
    public SessionNotFoundException(ulong sessionId, string message)
        : base(message)
    {
        SessionId = sessionId;
    }

    /// <summary>Gets the id that was looked up.</summary>
    public ulong SessionId { get; }
}
