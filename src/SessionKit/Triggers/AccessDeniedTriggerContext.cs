namespace SessionKit;

/// <summary>What an <c>on_access_denied</c> trigger receives: Tarantool's (access, object type, object name) and more.</summary>
/// <remarks>
/// Examples: <c>("Session", "universe", "")</c> when a user that may not connect tries to, and
/// <c>("Su", "user", "admin")</c> when a caller may not switch to admin. The trigger runs in the denied caller's
/// context; its errors are logged and never replace the original error.
/// <para><c>default(AccessDeniedTriggerContext)</c> comes from no trigger run: its strings are empty and its sessions <see langword="null"/>; every member still answers.</para>
/// </remarks>
public readonly struct AccessDeniedTriggerContext
{
    private readonly string? _access;
    private readonly string? _objectType;
    private readonly string? _objectName;
    private readonly string? _userName;

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
        _access = access;
        _objectType = objectType;
        _objectName = objectName;
        _userName = userName;
        CancellationToken = cancellationToken;
    }

    /// <summary>Gets the session of the denied caller, or <see langword="null"/> outside any session.</summary>
    public Session? Session { get; }

    /// <summary>Gets the access refused, such as <c>Session</c> or <c>Su</c>; empty for <c>default</c>.</summary>
    public string Access => _access ?? string.Empty;

    /// <summary>Gets the object type, such as <c>universe</c> or <c>user</c>; empty for <c>default</c>.</summary>
    public string ObjectType => _objectType ?? string.Empty;

    /// <summary>Gets the object name, or an empty string; empty for <c>default</c>.</summary>
    public string ObjectName => _objectName ?? string.Empty;

    /// <summary>Gets the user that was refused; empty for <c>default</c>.</summary>
    public string UserName => _userName ?? string.Empty;

    /// <summary>Gets the token that cancels the trigger.</summary>
    public CancellationToken CancellationToken { get; }
}
