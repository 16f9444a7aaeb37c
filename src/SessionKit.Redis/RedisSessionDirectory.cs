using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SessionKit.Redis.Internal;
using StackExchange.Redis;

namespace SessionKit.Redis;

/// <summary>
/// A cluster-wide session directory on Redis or Redis Cluster (docs/cluster.md): the <see cref="ISessionDirectory"/> a
/// <see cref="SessionManager"/> asks for per-user limits and resource conflicts, and the cluster surface hosts query
/// (<see cref="IsOnlineAsync"/>, <see cref="SessionsOfAsync"/>, <see cref="FindResourceAsync"/>, <see cref="ListAsync"/>)
/// and command (<see cref="KickAsync"/>, <see cref="CloseUserSessionsAsync"/>, <see cref="SendToAllAsync"/> and the
/// other sends), plus cluster-wide presence events.
/// </summary>
/// <remarks>
/// One instance per manager (per node). The node holds a lease renewed with Redis server time; a node that stops
/// renewing is swept by the others. Thread-safe. Dispose it after the manager (the container does, in reverse order).
/// </remarks>
public sealed partial class RedisSessionDirectory : ISessionDirectory, IAsyncDisposable, IDisposable
{
    private readonly RedisDirectoryOptions _options;
    private readonly RedisKeys _keys;

    // The events channel's name, passed to every per-user script (made once: it is on every connect's path).
    private readonly string _events;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<long>> _pending = new();
    private readonly ConcurrentDictionary<ulong, byte> _earlyEvictions = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _statusLock = new();
    private ConnectionMultiplexer? _redis;
    private SessionManager? _manager;
    private Task? _loops;
    private long _incarnation;
    private long _correlation;
    private DirectoryStatus _status = DirectoryStatus.Starting;

    /// <summary>Initializes a new instance of the <see cref="RedisSessionDirectory"/> class. It connects when a manager attaches it.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="loggerFactory">Where logs go; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public RedisSessionDirectory(RedisDirectoryOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _keys = new RedisKeys(options.KeyPrefix);
        _events = _keys.Events.ToString();
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("SessionKit.Redis.RedisSessionDirectory");
    }

    /// <summary>Raised when a user's first session anywhere registers (at most once per transition; pub/sub delivery, so a node that is disconnected then misses it).</summary>
    public event EventHandler<ClusterPresenceEventArgs>? UserOnline;

    /// <summary>Raised when a user's last session anywhere leaves, including by a sweep of a dead node.</summary>
    public event EventHandler<ClusterPresenceEventArgs>? UserOffline;

    /// <summary>Raised for each bind and release of a resource, in the directory's order for that user.</summary>
    public event EventHandler<ClusterResourceEventArgs>? ResourceChanged;

    /// <summary>Raised when <see cref="Status"/> changes (on the thread that saw the change; handlers must not block).</summary>
    public event EventHandler<DirectoryStatus>? StatusChanged;

    /// <summary>Gets this node's name.</summary>
    public string NodeName => _options.NodeName;

    /// <summary>Gets this node's current incarnation (0 before it joined).</summary>
    public long Incarnation => Interlocked.Read(ref _incarnation);

    /// <summary>Gets the directory's state: whether Redis answers and this node holds a lease.</summary>
    public DirectoryStatus Status
    {
        get
        {
            lock (_statusLock)
            {
                return _status;
            }
        }
    }

    /// <summary>Gets the settings.</summary>
    public RedisDirectoryOptions Options => _options;

    /// <summary>Gets the manager this directory serves (after <see cref="Attach"/>).</summary>
    internal SessionManager Manager => _manager ?? throw new InvalidOperationException("The directory is not attached to a manager.");

    private IDatabase Db => (_redis ?? throw new InvalidOperationException("The directory is not attached to a manager.")).GetDatabase();

    private ISubscriber Bus => _redis!.GetSubscriber();

    private string Inbox => _keys.Inbox(_options.NodeName).ToString();

    /// <summary>Gets the cluster-wide identity of a session of this node.</summary>
    /// <param name="session">A session of the attached manager.</param>
    /// <returns>Its identity under the node's current incarnation.</returns>
    public ClusterSessionId IdOf(Session session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return new ClusterSessionId(_options.NodeName, Incarnation, session.Id);
    }

    /// <inheritdoc/>
    public void Attach(SessionManager manager)
    {
        ArgumentNullException.ThrowIfNull(manager);
        if (Interlocked.CompareExchange(ref _manager, manager, null) is not null)
        {
            throw new InvalidOperationException("A RedisSessionDirectory serves one manager; this one is attached already.");
        }

        var config = ConfigurationOptions.Parse(_options.Configuration);

        // Never throw at start for an unreachable Redis: the status says so and the lease loop keeps trying.
        config.AbortOnConnectFail = false;
        _redis = ConnectionMultiplexer.Connect(config);
        _redis.ConnectionFailed += (_, _) => OnConnectionLost();
        _redis.ConnectionRestored += (_, _) => OnConnectionRestored();
        Bus.Subscribe(_keys.Inbox(_options.NodeName), (_, value) => OnInbox(value));
        // A queue keeps the events in publication order (a handler may be called concurrently): online before offline.
        Bus.Subscribe(_keys.Events).OnMessage(message => OnEvent(message.Message));
        try
        {
            JoinAsync().GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _logger.Unreachable(_options.NodeName, ex);
            SetStatus(DirectoryStatus.Unavailable);
        }

        _loops = Task.WhenAll(Task.Run(HeartbeatLoopAsync), Task.Run(SweepLoopAsync));
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loops is { } loops)
        {
            await loops.ConfigureAwait(false);
        }

        if (_redis is { } redis)
        {
            try
            {
                // The manager (disposed first) queued a leave per session; a clean quit frees the name at once.
                var inc = Incarnation;
                if (inc != 0)
                {
                    await Db.ScriptEvaluateAsync(NodeScripts.Quit, _keys.NodeKeys, [LeaseMs, StallMs, Member(inc)]).ConfigureAwait(false);
                    await Db.KeyDeleteAsync(_keys.Members(_options.NodeName, inc)).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // Unreachable: the lease runs out and another node sweeps what is left.
            }

            await redis.CloseAsync().ConfigureAwait(false);
            redis.Dispose();
        }

        SetStatus(DirectoryStatus.Stopped);
        _stopping.Dispose();
    }

    /// <inheritdoc/>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private void SetStatus(DirectoryStatus status)
    {
        lock (_statusLock)
        {
            if (_status == status || _status == DirectoryStatus.Stopped)
            {
                return;
            }

            _status = status;
        }

        _logger.StatusIs(_options.NodeName, status);
        try
        {
            StatusChanged?.Invoke(this, status);
        }
        catch (Exception ex)
        {
            _logger.HandlerFailed(ex);
        }
    }

    private string Member(long incarnation) => $"{_options.NodeName}|{incarnation}";

    private string FieldOf(Session session) => $"{_options.NodeName}|{session.Id}";
}
