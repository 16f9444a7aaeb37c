namespace SessionKit.Redis;

/// <summary>The state of a <see cref="RedisSessionDirectory"/>, as <see cref="RedisSessionDirectory.Status"/> reports it.</summary>
public enum DirectoryStatus
{
    /// <summary>Not attached to a manager yet, or joining the cluster.</summary>
    Starting,

    /// <summary>Redis answers and this node holds a lease.</summary>
    Available,

    /// <summary>Redis does not answer (or the last renewal failed): <see cref="RedisDirectoryOptions.WhenUnavailable"/> applies.</summary>
    Unavailable,

    /// <summary>The node lost its lease (paused, or Redis lost its data) and is re-registering its sessions under a new incarnation.</summary>
    Resyncing,

    /// <summary>Disposed: the node left the cluster.</summary>
    Stopped,
}
