namespace SessionKit.Redis;

/// <summary>A user came online or went offline cluster-wide (its first session anywhere, or its last).</summary>
public sealed class ClusterPresenceEventArgs : EventArgs
{
    /// <summary>Initializes a new instance of the <see cref="ClusterPresenceEventArgs"/> class.</summary>
    /// <param name="user">The user.</param>
    /// <param name="host">The host, or <see langword="null"/>.</param>
    public ClusterPresenceEventArgs(string user, string? host)
    {
        User = user;
        Host = host;
    }

    /// <summary>Gets the user.</summary>
    public string User { get; }

    /// <summary>Gets the host, or <see langword="null"/>.</summary>
    public string? Host { get; }
}
