namespace SessionKit.Redis;

/// <summary>A resource was bound or released in the directory, in the directory's own order for that user.</summary>
public sealed class ClusterResourceEventArgs : EventArgs
{
    /// <summary>Initializes a new instance of the <see cref="ClusterResourceEventArgs"/> class.</summary>
    /// <param name="user">The user.</param>
    /// <param name="host">The host, or <see langword="null"/>.</param>
    /// <param name="resource">The resource.</param>
    /// <param name="holder">The session that took or released it (its incarnation is not part of the event: 0).</param>
    /// <param name="bound"><see langword="true"/> for a bind, <see langword="false"/> for a release.</param>
    public ClusterResourceEventArgs(string user, string? host, string resource, ClusterSessionId holder, bool bound)
    {
        User = user;
        Host = host;
        Resource = resource;
        Holder = holder;
        Bound = bound;
    }

    /// <summary>Gets the user.</summary>
    public string User { get; }

    /// <summary>Gets the host, or <see langword="null"/>.</summary>
    public string? Host { get; }

    /// <summary>Gets the resource.</summary>
    public string Resource { get; }

    /// <summary>Gets the session that took or released it.</summary>
    public ClusterSessionId Holder { get; }

    /// <summary>Gets a value indicating whether this is a bind (<see langword="false"/>: a release).</summary>
    public bool Bound { get; }
}
