namespace SessionKit;

/// <summary>Which account changes of an <see cref="IObservableUserDirectory"/> close the user's live sessions.</summary>
[Flags]
public enum UserChangeClosePolicy
{
    /// <summary>No account change closes a session; the host closes them itself (for example with <see cref="SessionAdministration.CloseUserSessionsAsync"/>).</summary>
    None = 0,

    /// <summary>Removing a user closes all of its sessions with <see cref="SessionCloseReason.AccountDeleted"/>.</summary>
    Removed = 1,

    /// <summary>Disabling a user closes all of its sessions with <see cref="SessionCloseReason.AccountDisabled"/>.</summary>
    Disabled = 2,

    /// <summary>A password change closes the user's other sessions with <see cref="SessionCloseReason.PasswordChanged"/>; the session that changed it stays, as in Prosody.</summary>
    PasswordChanged = 4,

    /// <summary>All of the above: the default.</summary>
    All = Removed | Disabled | PasswordChanged,
}
