namespace SessionKit.Redis;

/// <summary>Thrown under <see cref="DirectoryUnavailableBehavior.FailClosed"/> when the directory cannot reach Redis.</summary>
public sealed class SessionDirectoryUnavailableException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="SessionDirectoryUnavailableException"/> class.</summary>
    public SessionDirectoryUnavailableException()
        : base("The session directory cannot reach Redis.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SessionDirectoryUnavailableException"/> class.</summary>
    /// <param name="message">The message.</param>
    public SessionDirectoryUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SessionDirectoryUnavailableException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">What Redis reported.</param>
    public SessionDirectoryUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
