using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SessionKit.Internal;

namespace SessionKit;

/// <summary>
/// The registry of live sessions, the ambient "who is calling" context, the lifecycle calls and the trigger lists:
/// what Tarantool's <c>box.session</c> gives Lua code, for a .NET host.
/// </summary>
/// <remarks>
/// <para>
/// Every member is thread-safe. Managers are independent: nothing is static, and a session belongs to exactly one
/// manager (passing it to another throws <see cref="ArgumentException"/>).
/// </para>
/// <para>
/// Disposing closes every session and runs their <c>on_disconnect</c> triggers, bounded by
/// <see cref="SessionOptions.ShutdownTimeout"/>. Afterwards every method throws <see cref="ObjectDisposedException"/>;
/// the ambient properties (<see cref="Current"/>, <see cref="Id"/>, <see cref="User"/> and the like) keep answering
/// so that logging code in late tasks never throws, and disposing a <see cref="SessionScope"/> never throws.
/// </para>
/// </remarks>
public sealed partial class SessionManager : IAsyncDisposable, IDisposable
{
    private readonly AsyncLocal<AmbientContext?> _ambient = new();
    private readonly ConcurrentDictionary<ulong, Session> _sessions = new();
    private readonly UserIndex _index = new();
    private readonly IUserDirectory _users;
    private readonly TimeProvider _time;
    private readonly ConnectClock _connectClock;
    private readonly ILogger _logger;
    private readonly SessionMetrics _metrics = new();
    private readonly TimeSpan _shutdownTimeout;
    private readonly TimeSpan _closeTimeout;
    private readonly TimeSpan? _authenticationTimeout;
    private readonly SessionUser _backgroundUser;
    private readonly SessionUser _admin;
    private readonly SessionUser _guest;
    private readonly Func<SwitchUserRequest, bool> _switchUserPolicy;
    private readonly ResourceConflictPolicy _conflictPolicy;
    private readonly Func<SessionUser, int>? _maxSessionsPerUser;
    private readonly SessionLimitPolicy _limitPolicy;
    private readonly Dictionary<string, TriggerErrorSink> _sinks;

    // on_disconnect's sink, held apart from _sinks: every disconnect with triggers needs it, and a string-keyed
    // lookup cost as much as running a trigger.
    private readonly TriggerErrorSink _disconnectSink;

    // Null unless the directory reports account changes and the options close sessions on some of them.
    private readonly AccountWatcher? _accountWatcher;

    // Cancelled when shutdown gives up waiting, so that triggers still running see their token fire.
    private readonly CancellationTokenSource _shutdownSource = new();

    // Completed by the close that brings _closing to zero once shutdown has begun (see FinishClose).
    private readonly TaskCompletionSource _closesDrained = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Connects write _lastId and _count, disconnects _count and _closing, all with Interlocked. Each sits on cache
    // lines of its own (PaddedLong) so that two threads churning sessions do not pass one line back and forth between
    // these counters and the fields every operation only reads (_disposeState, _sessions, the options). They stay
    // single exact counters: shutdown must see _closing reach exactly zero, and Count must be exact.
    private PaddedLong _lastId;

    // Maintained next to the dictionary so that Count is O(1) and never takes the dictionary's locks.
    private PaddedLong _count;

    // Closes whose on_disconnect triggers are running. Shutdown waits for it to reach zero.
    private PaddedLong _closing;

    // 0 running, 1 shutting down (no new sessions), 2 disposed. Written with Volatile/Interlocked, read with Volatile.
    private int _disposeState;
    private TaskCompletionSource? _disposeCompletion;

    /// <summary>Initializes a new instance of the <see cref="SessionManager"/> class.</summary>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    /// <param name="users">The user directory; <see langword="null"/> for a new <see cref="InMemoryUserDirectory"/>.</param>
    /// <param name="loggerFactory">Where logs go; <see langword="null"/> for none.</param>
    /// <param name="timeProvider">Where time comes from; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentException">An option breaks its rule; the message names it.</exception>
    public SessionManager(SessionOptions? options = null, IUserDirectory? users = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        options ??= new SessionOptions();
        options.Validate();
        _users = users ?? new InMemoryUserDirectory();
        _time = timeProvider ?? TimeProvider.System;
        _connectClock = new ConnectClock(_time);
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("SessionKit.SessionManager");
        _shutdownTimeout = options.ShutdownTimeout;
        _closeTimeout = options.CloseTimeout;
        _authenticationTimeout = options.AuthenticationTimeout;
        // The default as a lambda, not a method group: a delegate over a static method calls through a shuffle
        // thunk, which cost Su about 3 ns (a tenth of the AsyncLocal write it is measured against).
        _switchUserPolicy = options.SwitchUserPolicy ?? (static request => SwitchUserRequest.AdminOnly(request));
        _conflictPolicy = options.ResourceConflictPolicy;
        _maxSessionsPerUser = options.MaxSessionsPerUser;
        _limitPolicy = options.SessionLimitPolicy;
        _limits = new SessionLimits(options);
        _verifications = new VerificationGate(options.MaxConcurrentVerifications, options.MaxPasswordBytes);
        ApplyBounds(options);
        _admin = _users.TryFindUser(SessionUser.Admin.Name, out var admin) ? admin : SessionUser.Admin;
        _guest = _users.TryFindUser(SessionUser.Guest.Name, out var guest) ? guest : SessionUser.Guest;
        if (!_users.TryFindUser(options.BackgroundUser, out var background))
        {
            throw new ArgumentException(
                $"SessionOptions.BackgroundUser '{Text.Truncate(options.BackgroundUser)}' must name a user of the user directory.",
                nameof(options));
        }

        _backgroundUser = background;
        _sinks = TriggerListNames.All.ToDictionary(name => name, name => new TriggerErrorSink(_logger, name), StringComparer.Ordinal);
        _disconnectSink = _sinks[TriggerListNames.Disconnect];
        StartIdleSweep(options);

        // Last, so that a half-built manager never subscribes (nothing would unsubscribe it).
        if (_users is IObservableUserDirectory observable)
        {
            _accountWatcher = new AccountWatcher(this, observable, options.UserChangeClosePolicy, _logger);
        }
    }

    /// <summary>Gets the <c>on_connect</c> triggers: run right after a session is registered, newest first; the first error refuses the connection.</summary>
    public TriggerList<SessionTriggerContext> OnConnect { get; } = new();

    /// <summary>Gets the <c>on_auth</c> triggers: run for every authentication attempt, successful or not, before the user switch.</summary>
    public TriggerList<AuthTriggerContext> OnAuth { get; } = new();

    /// <summary>Gets the <c>on_disconnect</c> triggers: run once per session after it closes; every trigger runs even when some fail.</summary>
    public TriggerList<SessionTriggerContext> OnDisconnect { get; } = new();

    /// <summary>Gets the <c>on_access_denied</c> triggers: run when a connection, <c>Su</c> or <c>ChangeUser</c> is refused; errors are logged.</summary>
    public TriggerList<AccessDeniedTriggerContext> OnAccessDenied { get; } = new();

    /// <summary>Gets the user directory.</summary>
    public IUserDirectory Users => _users;

    /// <summary>Gets the time source.</summary>
    public TimeProvider TimeProvider => _time;

    /// <summary>Gets this manager's meter (for tests that listen to one manager only).</summary>
    internal System.Diagnostics.Metrics.Meter Meter => _metrics.Meter;

    /// <summary>Closes every session, runs their <c>on_disconnect</c> triggers within the shutdown timeout, and disposes the manager.</summary>
    /// <returns>
    /// A task that completes when shutdown is over. Every call returns the same shutdown, except a call from work the
    /// shutdown waits for (see remarks), which starts it and returns a completed task.
    /// </returns>
    /// <remarks>
    /// Re-entrancy: called from inside one of this manager's trigger runs for a session (<c>on_connect</c>,
    /// <c>on_session_closing</c>, <c>on_disconnect</c>, <c>on_resource_unbind</c> and the others a session's lifecycle runs),
    /// from a connection's <see cref="ISessionConnection.CloseAsync"/>, or from work they start and await, it starts the
    /// shutdown and returns at once without waiting: the shutdown waits for that very code, so waiting for the shutdown
    /// there would wait for itself. The shutdown completes after that code returns; await it from outside.
    /// </remarks>
    public ValueTask DisposeAsync()
    {
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var existing = Interlocked.CompareExchange(ref _disposeCompletion, completion, null);
        var shutdown = existing is not null ? existing.Task : StartShutdown(completion);
        return IsInsideWorkShutdownWaitsFor() ? default : new ValueTask(shutdown);
    }

    /// <summary>Disposes the manager synchronously; see <see cref="DisposeAsync"/>.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    // The list names are the constants of TriggerListNames, so a reference comparison finds on_disconnect's.
    private TriggerErrorSink SinkFor(string listName) =>
        ReferenceEquals(listName, TriggerListNames.Disconnect) ? _disconnectSink : _sinks[listName];

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposeState) == 2)
        {
            throw new ObjectDisposedException(nameof(SessionManager), "The session manager was disposed; no session operation is possible any more.");
        }
    }

    private void ValidateSession(Session session, string parameterName = "session")
    {
        ArgumentNullException.ThrowIfNull(session, parameterName);
        if (!ReferenceEquals(session.Manager, this))
        {
            throw new ArgumentException($"Session {session.Id} belongs to another SessionManager.", parameterName);
        }
    }
}
