namespace SessionKit;

/// <summary>What an <c>on_access_denied</c> trigger receives: Tarantool's (access, object type, object name) and more.</summary>
/// <remarks>
/// Examples: <c>("Session", "universe", "")</c> when a user that may not connect tries to, and
/// <c>("Su", "user", "admin")</c> when a caller may not switch to admin. The trigger runs in the denied caller's
/// context; its errors are logged and never replace the original error.
/// </remarks>
public readonly struct AccessDeniedTriggerContext
{
    /// <summary>Initializes a new instance of the <see cref="AccessDeniedTriggerContext"/> struct.</summary>
    /// <param name="session">The session of the denied caller, or <see langword="null"/> outside any session.</param>
    /// <param name="access">The access refused, such as <c>Session</c> or <c>Su</c>.</param>
    /// <param name="objectType">The object type, such as <c>universe</c> or <c>user</c>.</param>
    /// <param name="objectName">The object name, or an empty string.</param>
    /// <param name="userName">The user that was refused.</param>
    /// <param name="cancellationToken">The token that cancels the trigger.</param>
    public AccessDeniedTriggerContext(Session? session, string access, string objectType, string objectName, string userName, CancellationToken cancellationToken)
    {
        Session = session;
        Access = access;
        ObjectType = objectType;
        ObjectName = objectName;
        UserName = userName;
        CancellationToken = cancellationToken;
    }

    /// <summary>Gets the session of the denied caller, or <see langword="null"/> outside any session.</summary>
    public Session? Session { get; }

    /// <summary>Gets the access refused, such as <c>Session</c> or <c>Su</c>.</summary>
    public string Access { get; }

    /// <summary>Gets the object type, such as <c>universe</c> or <c>user</c>.</summary>
    public string ObjectType { get; }

    /// <summary>Gets the object name, or an empty string.</summary>
    public string ObjectName { get; }

    /// <summary>Gets the user that was refused.</summary>
    public string UserName { get; }

    /// <summary>Gets the token that cancels the trigger.</summary>
    public CancellationToken CancellationToken { get; }
}
