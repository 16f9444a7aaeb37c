namespace SessionKit;

/// <summary>The base of every failure SessionKit reports for a domain reason (not for a misuse of its API).</summary>
/// <remarks>Messages never contain passwords or storage values.</remarks>
public abstract class SessionKitException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="SessionKitException"/> class.</summary>
    /// <param name="message">The message.</param>
    protected SessionKitException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SessionKitException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    protected SessionKitException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
