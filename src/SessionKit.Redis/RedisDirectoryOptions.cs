namespace SessionKit.Redis;

/// <summary>Settings of a <see cref="RedisSessionDirectory"/>.</summary>
public sealed class RedisDirectoryOptions
{
    /// <summary>Gets or sets the StackExchange.Redis configuration string (<c>host:port,...</c>; a Redis Cluster's seed nodes work too).</summary>
    /// <value><c>localhost:6379</c>.</value>
    public string Configuration { get; set; } = "localhost:6379";

    /// <summary>
    /// Gets or sets this node's name: unique among the nodes sharing the Redis, stable across restarts of the node
    /// (each start is a new incarnation of it). Letters, digits, <c>.</c>, <c>_</c> and <c>-</c>.
    /// </summary>
    /// <value>The machine name and the process id.</value>
    public string NodeName { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>Gets or sets the prefix of every key and channel, so several clusters can share one Redis.</summary>
    /// <value><c>sk</c>.</value>
    public string KeyPrefix { get; set; } = "sk";

    /// <summary>
    /// Gets or sets the lease: a node that does not renew within it (Redis server time) is swept, its sessions removed
    /// from the directory. It is renewed every third of it.
    /// </summary>
    /// <value>15 seconds. At least 1 second.</value>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets how often each node looks for expired leases (and sweeps them).</summary>
    /// <value>A quarter of the lease when <see langword="null"/>.</value>
    public TimeSpan? SweepInterval { get; set; }

    /// <summary>Gets or sets how long a bind under <see cref="ResourceConflictPolicy.KickOld"/>, a kick or a send waits for another node's answer.</summary>
    /// <value>5 seconds.</value>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets what admissions and binds do while Redis cannot be reached.</summary>
    /// <value><see cref="DirectoryUnavailableBehavior.FailClosed"/>.</value>
    public DirectoryUnavailableBehavior WhenUnavailable { get; set; } = DirectoryUnavailableBehavior.FailClosed;

    /// <summary>Gets or sets how messages sent to sessions on other nodes become bytes and back.</summary>
    /// <value>A <see cref="DefaultClusterMessageSerializer"/> (strings and byte arrays).</value>
    public IClusterMessageSerializer MessageSerializer { get; set; } = new DefaultClusterMessageSerializer();

    /// <summary>Gets the sweep interval in effect.</summary>
    internal TimeSpan EffectiveSweepInterval => SweepInterval ?? LeaseDuration / 4;

    /// <summary>Throws when a setting breaks its rule.</summary>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    internal void Validate()
    {
        if (string.IsNullOrEmpty(NodeName) || NodeName.Length > 128 || !NodeName.All(static c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            throw new ArgumentException($"RedisDirectoryOptions.NodeName must be 1 to 128 letters, digits, '.', '_' or '-'; it is '{NodeName}'.", "options");
        }

        if (string.IsNullOrEmpty(KeyPrefix) || KeyPrefix.AsSpan().IndexOfAny("{}|") >= 0)
        {
            throw new ArgumentException("RedisDirectoryOptions.KeyPrefix must be non-empty and free of '{', '}' and '|'.", "options");
        }

        if (LeaseDuration < TimeSpan.FromSeconds(1) || LeaseDuration > TimeSpan.FromHours(1))
        {
            throw new ArgumentException($"RedisDirectoryOptions.LeaseDuration must be from 1 second to 1 hour; it is {LeaseDuration}.", "options");
        }

        if (EffectiveSweepInterval <= TimeSpan.Zero || EffectiveSweepInterval > LeaseDuration)
        {
            throw new ArgumentException($"RedisDirectoryOptions.SweepInterval must be positive and at most the lease; it is {EffectiveSweepInterval}.", "options");
        }

        if (CommandTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"RedisDirectoryOptions.CommandTimeout must be positive; it is {CommandTimeout}.", "options");
        }

        ArgumentNullException.ThrowIfNull(MessageSerializer, "options.MessageSerializer");
        ArgumentNullException.ThrowIfNull(Configuration, "options.Configuration");
    }
}
