namespace SessionKit;

/// <summary>Which call asks to switch users.</summary>
public enum SwitchUserKind
{
    /// <summary>A <c>Su</c> scope or call: the effective user of the current flow changes for a while.</summary>
    Su = 0,

    /// <summary><c>ChangeUser</c>: the session user changes for the rest of the session.</summary>
    ChangeUser = 1,
}
