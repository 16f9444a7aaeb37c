namespace SessionKit;

/// <summary>Thrown when an operation needs an open session and the session is closed or destroyed.</summary>
public sealed class SessionClosedException : SessionKitException
{
    /// <summary>Initializes a new instance of the <see cref="SessionClosedException"/> class.</summary>
    /// <param name="sessionId">The session's id.</param>
    /// <param name="message">The message.</param>
    public SessionClosedException(ulong sessionId, string message)
        : base(message)
    {
        SessionId = sessionId;
    }

    /// <summary>Gets the session's id.</summary>
    public ulong SessionId { get; }
}
