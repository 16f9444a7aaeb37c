namespace SessionKit.Redis;

/// <summary>What a <see cref="RedisSessionDirectory"/> does with admissions and binds while Redis cannot be reached.</summary>
public enum DirectoryUnavailableBehavior
{
    /// <summary>
    /// Refuse: an authentication (or pre-authenticated connect) throws <see cref="SessionDirectoryUnavailableException"/>
    /// and a bind fails with <c>wait / resource-constraint</c>. Nothing is decided that the cluster could not check.
    /// </summary>
    FailClosed,

    /// <summary>
    /// Decide locally: admissions and binds follow this node's own index only (limits and conflicts per node), and the
    /// node re-registers its sessions when Redis is back (as after a lost lease), closing those that lost their place.
    /// </summary>
    LocalOnly,
}
