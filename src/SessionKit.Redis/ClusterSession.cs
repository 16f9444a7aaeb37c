namespace SessionKit.Redis;

/// <summary>A session as the cluster-wide directory knows it.</summary>
/// <param name="Id">Its cluster-wide identity.</param>
/// <param name="User">Its user.</param>
/// <param name="Host">Its host, or <see langword="null"/>.</param>
/// <param name="Resource">Its bound resource, or <see langword="null"/>.</param>
public sealed record ClusterSession(ClusterSessionId Id, string User, string? Host, string? Resource);
