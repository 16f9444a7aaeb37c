using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SessionKit.Internal;

namespace SessionKit;

/// <summary>
/// The registry of live sessions, the ambient "who is calling" context, the lifecycle calls and the trigger lists:
/// what Tarantool's <c>box.session</c> gives Lua code, for a .NET host. The per-user layer (Prosody's) is
/// <see cref="Users"/>; administration (listing, kicks) is <see cref="Admin"/>.
/// </summary>
/// <remarks>
/// <para>
/// Every member is thread-safe. Managers are independent: nothing is static, and a session belongs to exactly one
/// manager (passing it to another throws <see cref="ArgumentException"/>).
/// </para>
/// <para>
/// Disposing closes every session and runs their <c>on_disconnect</c> triggers, bounded by
/// <see cref="SessionManagerOptions.ShutdownTimeout"/>. Afterwards every method throws <see cref="ObjectDisposedException"/>;
/// the ambient properties (<see cref="Current"/>, <see cref="Id"/>, <see cref="User"/> and the like) keep answering
/// so that logging code in late tasks never throws, and disposing a <see cref="SessionScope"/> never throws.
/// </para>
/// <para>
/// The manager is a facade: it holds its collaborators (under <c>Internal/</c>, described in
/// <c>src/SessionKit/Internal/README.md</c>) and delegates to them; it keeps no state of its own.
/// </para>
/// </remarks>
public sealed partial class SessionManager : IAsyncDisposable, IDisposable
{
    private readonly IUserDirectory _directory;
    private readonly TimeProvider _time;
    private readonly SessionLimits _limits;
    private readonly SessionMetrics _metrics;
    private readonly ManagerLifetime _lifetime;
    private readonly SessionRegistry _registry;
    private readonly AmbientSlot _ambient;
    private readonly RequestScopes _scopes;
    private readonly UserSwitcher _switcher;
    private readonly SessionConnector _connector;
    private readonly Authenticator _authenticator;
    private readonly SessionDisconnector _disconnector;
    private readonly SessionCloser _closer;
    private readonly ShutdownCoordinator _shutdown;

    /// <summary>Initializes a new instance of the <see cref="SessionManager"/> class.</summary>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    /// <param name="directory">The user directory; <see langword="null"/> for a new <see cref="InMemoryUserDirectory"/>.</param>
    /// <param name="loggerFactory">Where logs go; <see langword="null"/> for none.</param>
    /// <param name="timeProvider">Where time comes from; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="meterFactory">
    /// Where the <c>SessionKit</c> meter comes from (the container's, with <c>AddSessions()</c>); the factory owns and
    /// disposes it. <see langword="null"/>: the manager creates its own meter and disposes it with itself.
    /// </param>
    /// <exception cref="ArgumentException">An option breaks its rule; the message names it.</exception>
    public SessionManager(SessionManagerOptions? options = null, IUserDirectory? directory = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null, IMeterFactory? meterFactory = null)
    {
        // Everything that can refuse the options comes first: nothing below subscribes or starts a timer until the
        // options and the directory passed.
        options ??= new SessionManagerOptions();
        options.Validate();
        _directory = directory ?? new InMemoryUserDirectory();
        _time = timeProvider ?? TimeProvider.System;
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("SessionKit.SessionManager");
        var admin = _directory.TryFindUser(SessionUser.Admin.Name, out var a) ? a : SessionUser.Admin;
        var guest = _directory.TryFindUser(SessionUser.Guest.Name, out var g) ? g : SessionUser.Guest;
        if (!_directory.TryFindUser(options.BackgroundUser, out var background))
        {
            throw new ArgumentException(
                $"SessionManagerOptions.BackgroundUser '{Text.Truncate(options.BackgroundUser)}' must name a user of the user directory.",
                nameof(options));
        }

        // The collaborators, leaves first: each receives only what lies below it, so data flows one way.
        _limits = new SessionLimits(options);
        _metrics = new SessionMetrics(meterFactory, _time);
        _lifetime = new ManagerLifetime();
        _registry = new SessionRegistry();
        _ambient = new AmbientSlot(background);
        var lists = new TriggerLists(options.MaxTriggersPerList);
        var dispatcher = new TriggerDispatcher(new TriggerInvoker(_ambient, _lifetime, _metrics, _time, logger), _ambient, lists, admin, logger);
        var membership = new UserMembership(guest, options.MaxSessionsPerUser, options.SessionLimitPolicy, options.MaxUserStorageKeys, logger, options.SessionDirectory);
        var destroyer = new SessionDestroyer(_registry, membership, dispatcher, lists.UserOffline, logger);
        var runs = new HoldingRuns(dispatcher, destroyer);
        _disconnector = new SessionDisconnector(dispatcher, destroyer, membership, _ambient, _lifetime, lists, _metrics, logger);
        _closer = new SessionCloser(_disconnector, runs, lists.SessionClosing, _lifetime, _time, options.CloseTimeout, logger);
        var changes = new UserChanges(membership, _disconnector, _closer, runs, dispatcher, lists, logger);

        // Subscribes to the directory's events: null unless it reports account changes.
        var watcher = _directory is IObservableUserDirectory observable
            ? new AccountWatcher(_ambient, _registry, _closer, observable, options.UserChangeClosePolicy, logger)
            : null;
        var idle = new IdleSweeper(_registry, _closer, _disconnector, _lifetime, _time, logger, options.IdleTimeout, options.IdleSweepInterval);
        _scopes = new RequestScopes(_ambient, _lifetime, destroyer, idle);

        // The default as a lambda, not a method group: a delegate over a static method calls through a shuffle thunk,
        // which cost Su about 3 ns (a tenth of the AsyncLocal write it is measured against).
        var policy = options.SwitchUserPolicy ?? (static request => SwitchUserRequest.AdminOnly(request));
        _switcher = new UserSwitcher(_directory, policy, _limits, _ambient, _scopes, _lifetime, dispatcher, changes, watcher, _metrics);
        var verifications = new VerificationGate(options.MaxConcurrentVerifications, options.MaxPasswordBytes);
        _authenticator = new Authenticator(_directory, verifications, dispatcher, lists.Auth, changes, _disconnector, watcher, _metrics, logger);
        var registrar = new SessionRegistrar(this, _registry, membership, _closer, new ConnectClock(_time), _time, options.AuthenticationTimeout, _metrics, logger);
        var step = new ConnectStep(dispatcher, lists.Connect, _disconnector, _lifetime, logger);
        _connector = new SessionConnector(_directory, registrar, step, changes, dispatcher, watcher, _lifetime, _ambient);
        _shutdown = new ShutdownCoordinator(_lifetime, _registry, _closer, _disconnector, _ambient, idle, watcher, _metrics, _time, options.ShutdownTimeout, logger);

        var binder = new ResourceBinder(membership, runs, lists, _closer, options.ResourceConflictPolicy, _limits.MaxResourceLength, logger);
        Users = new UserSessions(this, membership, binder, new MessageRouter(_closer, _time, options.SendTimeout, options.SlowConsumerPolicy, logger), lists, _limits, _lifetime);
        Admin = new SessionAdministration(this, _registry, _closer, membership, lists.SessionClosing, _limits, _lifetime);
        OnConnect = lists.Connect;
        OnAuth = lists.Auth;
        OnDisconnect = lists.Disconnect;
        OnAccessDenied = lists.AccessDenied;

        // The manager is complete: the directory may look sessions up from here on. Before the idle timer starts, so a
        // directory that refuses (it serves another manager) leaves no timer behind.
        options.SessionDirectory?.Attach(this);
        idle.Start();
    }

    /// <summary>Gets the <c>on_connect</c> triggers: run right after a session is registered, newest first; the first error refuses the connection.</summary>
    public TriggerList<SessionTriggerContext> OnConnect { get; }

    /// <summary>Gets the <c>on_auth</c> triggers: run for every authentication attempt, successful or not, before the user switch.</summary>
    public TriggerList<AuthTriggerContext> OnAuth { get; }

    /// <summary>Gets the <c>on_disconnect</c> triggers: run once per session after it closes; every trigger runs even when some fail.</summary>
    public TriggerList<SessionTriggerContext> OnDisconnect { get; }

    /// <summary>Gets the <c>on_access_denied</c> triggers: run when a connection, <c>Su</c> or <c>ChangeUser</c> is refused; errors are logged.</summary>
    public TriggerList<AccessDeniedTriggerContext> OnAccessDenied { get; }

    /// <summary>Gets the per-user layer: a user's sessions, online state, shared storage, resources, routing, and their triggers.</summary>
    public UserSessions Users { get; }

    /// <summary>Gets administration: the session listing, kicks, closing a user's sessions, and <c>on_session_closing</c>.</summary>
    public SessionAdministration Admin { get; }

    /// <summary>Gets the user directory.</summary>
    public IUserDirectory Directory => _directory;

    /// <summary>Gets the time source.</summary>
    public TimeProvider TimeProvider => _time;

    /// <summary>Gets this manager's meter (for tests that listen to one manager only).</summary>
    internal Meter Meter => _metrics.Meter;

    /// <summary>Gets this manager's bounds (sessions read the storage bounds from it).</summary>
    internal SessionLimits Limits => _limits;

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
    public ValueTask DisposeAsync() => _shutdown.DisposeAsync();

    /// <summary>Disposes the manager synchronously; see <see cref="DisposeAsync"/>.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>The polite close behind <see cref="Session.CloseAsync"/>.</summary>
    internal ValueTask<bool> CloseSessionAsync(Session session, SessionCloseReason reason, TimeSpan gracePeriod, CancellationToken cancellationToken) =>
        _closer.CloseAsync(session, reason, gracePeriod, cancellationToken);

    /// <summary>Moves an open session between the active-sessions gauge's type tags.</summary>
    internal void OnSessionTypeChanged(SessionType previous, SessionType current) => _metrics.TypeChanged(previous, current);
}
