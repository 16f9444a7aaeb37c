namespace SessionKit;

/// <summary>What happens when a session would take a user over <see cref="SessionManagerOptions.MaxSessionsPerUser"/>.</summary>
public enum SessionLimitPolicy
{
    /// <summary>The newcomer is refused with <see cref="SessionLimitExceededException"/>; existing sessions are untouched. The default.</summary>
    RejectNew = 0,

    /// <summary>The newcomer is kept and the user's oldest open session is closed with <see cref="SessionCloseReason.SessionLimitReached"/>; <see cref="UserSessions.OnSessionEvicted"/> reports it.</summary>
    EvictOldest = 1,
}
