namespace SessionKit;

/// <summary>Thrown when <c>Su</c>, <c>ChangeUser</c> or a pre-authenticated connect names a user the directory does not hold.</summary>
/// <remarks>The message is Tarantool's, <c>User 'NAME' is not found</c>, with a long name shortened.</remarks>
public sealed class UserNotFoundException : SessionKitException
{
    /// <summary>Initializes a new instance of the <see cref="UserNotFoundException"/> class.</summary>
    /// <param name="userName">The name that was looked up.</param>
    public UserNotFoundException(string userName)
        : base($"User '{Internal.Text.Truncate(userName)}' is not found")
    {
        UserName = userName;
    }

    /// <summary>Gets the name that was looked up.</summary>
    public string UserName { get; }
}
