using SessionKit.Internal;

namespace SessionKit;

/// <summary>
/// One client connection: its id, type, peer, session user, state, storage and connect time. Created by
/// <see cref="SessionManager.ConnectAsync(SessionType, System.Net.EndPoint?, CancellationToken)"/>.
/// </summary>
/// <remarks>
/// Thread-safe. A <see cref="Session"/> reference stays safe to hold forever: after it is destroyed its id, type, peer
/// and user stay readable, <see cref="State"/> is <see cref="SessionState.Destroyed"/> and its storage is empty.
/// </remarks>
public sealed partial class Session
{
    // Request references and the closed flag share one word so that "refuse new requests once closed" and "destroy
    // when closed and the last request has left" are single atomic transitions. The low bits count references: the
    // connection itself holds one from connect until its on_disconnect triggers finish; each open request scope
    // holds one. Destroy happens on the transition to exactly ClosedBit (closed, no references), which can occur
    // only once.
    private const long ClosedBit = 1L << 62;

    // Lifecycle steps in progress (the connect's on_user_online and on_connect, an authentication's on_auth and user
    // switch) are counted in bits 32..60, so that "closed" and "a step is running" are read in one atomic word. A
    // close that finds a step running hands its on_disconnect to the step that leaves last (HandOverBit), which keeps
    // the order connect → (auth)* → disconnect per session. Request references use the low 32 bits.
    private const long HandOverBit = 1L << 61;
    private const long PhaseUnit = 1L << 32;
    private const long PhaseMask = HandOverBit - PhaseUnit;

    private readonly long _connectedAtTicks;
    private long _state = 1;
    private int _destroyed;

    // Set once the session is in the registry. A session connecting with a pre-authenticated user joins the user
    // index a moment earlier; until then the index hides it.
    private volatile bool _registered;

    // True while on_disconnect runs, for shutdown's report of sessions still closing. Here rather than in
    // SessionExtras because every disconnect with triggers sets it (a bool fits the padding after the int fields).
    private volatile bool _disconnectRunning;
    private SessionType _type;
    private SessionStorage? _storage;
    private CancellationTokenSource? _closedSource;
    private SessionExtras? _extras;

    internal Session(SessionManager manager, ulong id, SessionType type, string? peer, SessionUser user, DateTimeOffset connectedAt, string? host)
    {
        Manager = manager;
        Id = id;
        _type = type;
        Peer = peer;
        Host = host;
        _connectedAtTicks = connectedAt.UtcTicks;
        Holder = new SessionHolder(this, user);
    }

    /// <summary>Gets the manager that owns the session.</summary>
    public SessionManager Manager { get; }

    /// <summary>Gets the session id: 1 or more, unique and never reused within its manager.</summary>
    public ulong Id { get; }

    /// <summary>Gets or sets the session type. The host may change it when the session's role changes (say <c>c2s_unauthed</c> to <c>c2s</c>).</summary>
    public SessionType Type
    {
        // A SessionType is a single reference, so reads and writes are atomic.
        get => _type;
        set
        {
            var previous = _type;
            _type = value;
            if (previous != value && !IsClosed)
            {
                // Keep the active-sessions gauge balanced: the close subtracts under the type the session has then.
                Manager.OnSessionTypeChanged(previous, value);
            }
        }
    }

    /// <summary>Gets the session user: <c>guest</c> until authentication, then whoever authenticated or was set by <c>ChangeUser</c>.</summary>
    public SessionUser User => Holder.User;

    /// <summary>
    /// Gets the peer address captured at connect: <c>127.0.0.1:55457</c>, <c>[::1]:5000</c>, <c>unix/:path</c>, or
    /// <see langword="null"/> when the session has no network peer. Readable after disconnect.
    /// </summary>
    public string? Peer { get; }

    /// <summary>Gets the host or tenant name given at connect (Prosody's <c>host</c>), or <see langword="null"/>.</summary>
    public string? Host { get; }

    /// <summary>Gets the time the session was created, from the manager's <see cref="TimeProvider"/>.</summary>
    /// <remarks>
    /// With <see cref="TimeProvider.System"/> the manager reads the wall clock at most once per tick of
    /// <see cref="Environment.TickCount64"/>, so the value may be up to one tick (one kernel timer tick: typically 1–10 ms on
    /// Linux, about 15.6 ms on Windows) before the connect; any other provider is read on every connect.
    /// </remarks>
    public DateTimeOffset ConnectedAt => new(_connectedAtTicks, TimeSpan.Zero);

    /// <summary>Gets the lifecycle state.</summary>
    public SessionState State =>
        Volatile.Read(ref _destroyed) != 0 ? SessionState.Destroyed
        : IsClosed ? SessionState.Closed
        : SessionState.Open;

    /// <summary>Gets the per-session storage (Tarantool's <c>box.session.storage</c>). Cleared when the session is destroyed.</summary>
    /// <remarks>Read-only: storage can be changed but never replaced, so no two sessions can end up sharing one.</remarks>
    public SessionStorage Storage
    {
        get
        {
            var storage = Volatile.Read(ref _storage);
            if (storage is not null)
            {
                return storage;
            }

            // Created on first use so an idle session costs no storage. The loser of a race adopts the winner's.
            // Destroy seals whatever it finds after setting _destroyed; sealing here after publishing covers the
            // storage it may have missed (both sides use full fences, so one of them sees the other).
            var created = new SessionStorage(Id, Manager.Limits.MaxStorageKeys, nameof(SessionManagerOptions.MaxStorageKeys));
            storage = Interlocked.CompareExchange(ref _storage, created, null) ?? created;
            if (Volatile.Read(ref _destroyed) != 0)
            {
                storage.Seal();
            }

            return storage;
        }
    }

    /// <summary>Gets a token that is cancelled when the session is closed (at the start of disconnect).</summary>
    public CancellationToken Closed
    {
        get
        {
            if (IsClosed)
            {
                return new CancellationToken(canceled: true);
            }

            var source = Volatile.Read(ref _closedSource);
            if (source is null)
            {
                // Created on first use: most sessions never ask. If the session closed while we created it, the close
                // path may have missed it, so cancel it ourselves; Cancel is idempotent.
                var created = new CancellationTokenSource();
                source = Interlocked.CompareExchange(ref _closedSource, created, null) ?? created;
                if (!ReferenceEquals(source, created))
                {
                    created.Dispose();
                }

                if (IsClosed)
                {
                    source.Cancel();
                }
            }

            return source.Token;
        }
    }

    internal SessionHolder Holder { get; }

    internal bool IsClosed => (Volatile.Read(ref _state) & ClosedBit) != 0;

    internal bool IsDestroyed => Volatile.Read(ref _destroyed) != 0;

    internal bool IsRegistered => _registered;

    /// <summary>Gets or sets a value indicating whether the session's <c>on_disconnect</c> triggers are running.</summary>
    internal bool DisconnectRunning
    {
        get => _disconnectRunning;
        set => _disconnectRunning = value;
    }

    /// <summary>Gets the rarely used per-session state, created on first use.</summary>
    internal SessionExtras Extras
    {
        get
        {
            var extras = Volatile.Read(ref _extras);
            return extras ?? Interlocked.CompareExchange(ref _extras, extras = new SessionExtras(), null) ?? extras;
        }
    }

    internal SessionExtras? ExtrasOrNull => Volatile.Read(ref _extras);

    /// <inheritdoc/>
    public override string ToString() => $"Session {Id} ({Type}, {User.Name}, {Peer ?? "no peer"}, {State})";

    internal void MarkRegistered() => _registered = true;

    /// <summary>Starts the connect step: called before the session is published, so a plain write is enough (publication is a full fence).</summary>
    internal void MarkConnecting() => _state = 1 + PhaseUnit;

    /// <summary>Takes a request reference; fails once the session is closed.</summary>
    internal bool TryAcquire()
    {
        while (true)
        {
            var state = Volatile.Read(ref _state);
            if ((state & ClosedBit) != 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _state, state + 1, state) == state)
            {
                return true;
            }
        }
    }

    /// <summary>
    /// Takes a reference for a trigger run, closed or not, while the session still holds one (it is not being
    /// destroyed); fails once the last reference is gone. Destroy then waits for the run, as for a request scope.
    /// </summary>
    internal bool TryAcquireLive()
    {
        while (true)
        {
            var state = Volatile.Read(ref _state);
            if ((state & (PhaseUnit - 1)) == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _state, state + 1, state) == state)
            {
                return true;
            }
        }
    }

    /// <summary>Drops a reference; returns <see langword="true"/> when the session is closed and this was the last one, so the caller must destroy it.</summary>
    internal bool Release() => Interlocked.Decrement(ref _state) == ClosedBit;

    /// <summary>Sets the closed flag; returns <see langword="true"/> only for the call that closed the session.</summary>
    internal bool TryMarkClosed()
    {
        while (true)
        {
            var state = Volatile.Read(ref _state);
            if ((state & ClosedBit) != 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _state, state | ClosedBit, state) == state)
            {
                return true;
            }
        }
    }

    /// <summary>Cancels <see cref="Closed"/> if anyone asked for it.</summary>
    internal void SignalClosed()
    {
        var source = Volatile.Read(ref _closedSource);
        if (source is not null)
        {
            try
            {
                source.Cancel();
            }
            catch (AggregateException)
            {
                // Callbacks registered on Closed belong to host code; their failures must not break disconnect.
            }
        }
    }

    /// <summary>Marks the session destroyed; returns <see langword="true"/> only once.</summary>
    internal bool TryMarkDestroyed() => Interlocked.Exchange(ref _destroyed, 1) == 0;

    /// <summary>Drops the storage's values and refuses later writes.</summary>
    internal void SealStorage() => Volatile.Read(ref _storage)?.Seal();

    /// <summary>Releases what a destroyed session held: its holder's link and its closed-token source.</summary>
    /// <remarks>
    /// The source is dropped, never disposed: a tombstone answers every member, and a token the host took earlier
    /// (or a concurrent <see cref="Closed"/> read that already holds the source) must keep working, including its
    /// WaitHandle. The source is cancelled, not linked and has no timer, so the collector frees all of it.
    /// </remarks>
    internal void ReleaseResources()
    {
        Holder.Detach();
        Volatile.Write(ref _closedSource, null);
    }
}
