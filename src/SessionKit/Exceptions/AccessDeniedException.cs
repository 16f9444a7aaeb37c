namespace SessionKit;

/// <summary>
/// Thrown when an access check refuses an operation: a user that may not connect (<c>Session access is denied for
/// user 'NAME'</c>) or a caller that may not switch users with <c>Su</c> or <c>ChangeUser</c>.
/// The <c>on_access_denied</c> triggers have run when this is thrown; their errors never replace it.
/// </summary>
public sealed class AccessDeniedException : SessionKitException
{
    /// <summary>Initializes a new instance of the <see cref="AccessDeniedException"/> class.</summary>
    /// <param name="access">The access that was refused, such as <c>Session</c> or <c>Su</c>.</param>
    /// <param name="objectType">The kind of object, such as <c>universe</c> or <c>user</c>.</param>
    /// <param name="objectName">The object's name, or an empty string.</param>
    /// <param name="userName">The user that was refused.</param>
    /// <param name="message">The message.</param>
    public AccessDeniedException(string access, string objectType, string objectName, string userName, string message)
        : base(message)
    {
        Access = access;
        ObjectType = objectType;
        ObjectName = objectName;
        UserName = userName;
    }

    /// <summary>Gets the access that was refused, such as <c>Session</c> or <c>Su</c>.</summary>
    public string Access { get; }

    /// <summary>Gets the kind of object, such as <c>universe</c> or <c>user</c>.</summary>
    public string ObjectType { get; }

    /// <summary>Gets the object's name, or an empty string.</summary>
    public string ObjectName { get; }

    /// <summary>Gets the user that was refused.</summary>
    public string UserName { get; }
}
