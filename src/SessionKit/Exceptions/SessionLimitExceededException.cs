namespace SessionKit;

/// <summary>Thrown when a session would take a user over <see cref="SessionManagerOptions.MaxSessionsPerUser"/> under <see cref="SessionLimitPolicy.RejectNew"/>.</summary>
public sealed class SessionLimitExceededException : SessionKitException
{
    /// <summary>Initializes a new instance of the <see cref="SessionLimitExceededException"/> class.</summary>
    /// <param name="userName">The user.</param>
    /// <param name="limit">The user's limit.</param>
    public SessionLimitExceededException(string userName, int limit)
        : base($"User '{Internal.Text.Truncate(userName)}' already has the maximum of {limit} sessions.")
    {
        UserName = userName;
        Limit = limit;
    }

    /// <summary>Gets the user.</summary>
    public string UserName { get; }

    /// <summary>Gets the user's limit.</summary>
    public int Limit { get; }
}
