namespace SessionKit.Redis.Tests.Fixtures;

/// <summary>How a test node is configured.</summary>
public sealed record NodeSettings(
    int LeaseMs = 3000,
    ResourceConflictPolicy Conflict = ResourceConflictPolicy.KickOld,
    int Limit = 0,
    SessionLimitPolicy LimitPolicy = SessionLimitPolicy.RejectNew,
    DirectoryUnavailableBehavior WhenUnavailable = DirectoryUnavailableBehavior.FailClosed);
