namespace SessionKit;

/// <summary>What happened to a user of an <see cref="IObservableUserDirectory"/>.</summary>
public enum UserChangeKind
{
    /// <summary>The user was removed from the directory (Prosody's <c>user-deleted</c>).</summary>
    Removed = 0,

    /// <summary>The user may no longer connect (Prosody's <c>user-disabled</c>).</summary>
    Disabled = 1,

    /// <summary>The user's password (or other credential) changed (Prosody's <c>user-password-changed</c>).</summary>
    PasswordChanged = 2,
}
