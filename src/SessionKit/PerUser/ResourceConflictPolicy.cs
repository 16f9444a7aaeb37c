namespace SessionKit;

/// <summary>What <see cref="UserSessions.BindResourceAsync"/> does when the user already has a session on the requested resource (Prosody's <c>conflict_resolve</c>).</summary>
public enum ResourceConflictPolicy
{
    /// <summary>The old session is closed with <see cref="SessionCloseReason.Replaced"/>; its unbind happens before the new bind. The default.</summary>
    KickOld = 0,

    /// <summary>The new bind fails with <c>cancel / conflict / Resource already exists</c>; the old session is untouched.</summary>
    RejectNew = 1,

    /// <summary>The new session gets <c>res#1</c>, or the first free <c>res#N</c>.</summary>
    Increment = 2,

    /// <summary>The new session gets a fresh random resource.</summary>
    Random = 3,
}
