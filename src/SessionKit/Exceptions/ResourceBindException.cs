namespace SessionKit;

/// <summary>
/// Thrown by <see cref="UserSessions.BindResourceAsync"/> when a resource cannot be bound, with Prosody's error type,
/// condition and text, e.g. <c>auth / not-authorized / Cannot bind resource before authentication</c>.
/// </summary>
public sealed class ResourceBindException : SessionKitException
{
    /// <summary>Initializes a new instance of the <see cref="ResourceBindException"/> class.</summary>
    /// <param name="errorType">The error type: <c>auth</c>, <c>cancel</c>, <c>modify</c> or <c>wait</c>.</param>
    /// <param name="condition">The condition, such as <c>conflict</c> or <c>not-allowed</c>.</param>
    /// <param name="text">The explanation.</param>
    /// <param name="innerException">The cause, if any.</param>
    public ResourceBindException(string errorType, string condition, string text, Exception? innerException = null)
        : base(text, innerException)
    {
        ErrorType = errorType;
        Condition = condition;
    }

    /// <summary>Gets the error type: <c>auth</c>, <c>cancel</c>, <c>modify</c> or <c>wait</c>.</summary>
    public string ErrorType { get; }

    /// <summary>Gets the condition, such as <c>conflict</c> or <c>not-allowed</c>.</summary>
    public string Condition { get; }
}
