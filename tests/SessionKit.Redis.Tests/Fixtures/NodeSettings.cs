namespace SessionKit.Redis.Tests.Fixtures;

/// <summary>How a test node is configured.</summary>
/// <remarks>
/// The default lease (15 s) is for tests that are not about leases: far longer than any pause a loaded 2-core machine
/// gives a node, so a renewal that answers late never turns into a rejoin (a new incarnation, a resync, extra events)
/// in the middle of a test about conflicts, limits or sends. Tests about leases pass a short one.
/// </remarks>
public sealed record NodeSettings(
    int LeaseMs = 15000,
    ResourceConflictPolicy Conflict = ResourceConflictPolicy.KickOld,
    int Limit = 0,
    SessionLimitPolicy LimitPolicy = SessionLimitPolicy.RejectNew,
    DirectoryUnavailableBehavior WhenUnavailable = DirectoryUnavailableBehavior.FailClosed);
