namespace SessionKit.Redis.Internal;

/// <summary>Which of a user's sessions a cluster send goes to.</summary>
internal enum SendMode : byte
{
    /// <summary>Every open session.</summary>
    All = 0,

    /// <summary>Interested sessions.</summary>
    Interested = 1,

    /// <summary>Available sessions at exactly the given priority (the cluster-wide top, found first).</summary>
    AvailableAt = 2,
}
