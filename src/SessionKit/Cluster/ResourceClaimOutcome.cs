namespace SessionKit;

/// <summary>What <see cref="ISessionDirectory.ClaimResourceAsync"/> found.</summary>
public enum ResourceClaimOutcome
{
    /// <summary>The resource is now the session's.</summary>
    Claimed,

    /// <summary>The directory does not hold the session under its user (it closed or changed user meanwhile).</summary>
    NotRegistered,

    /// <summary>A session of this manager holds it.</summary>
    HeldLocally,

    /// <summary>A session on another node holds it.</summary>
    HeldRemotely,
}
