namespace SessionKit.Internal;

/// <summary>
/// The value a manager keeps in its <see cref="AsyncLocal{T}"/>: which session (through its holder), which request
/// sync and which effective user the current async flow runs as. Immutable except for the exit flag.
/// </summary>
/// <remarks>
/// Scopes form a chain through <see cref="Parent"/>. Disposing the current scope restores its parent, passing over
/// ancestors that were disposed out of order. That makes out-of-order disposal safe: disposing an outer scope first
/// leaves the inner one current until it too is disposed, and then both are gone. A scope disposed in order by its
/// own flow is not skipped, so a task that inherited it (and outlives it) returns to it after its own nested scopes.
/// </remarks>
internal sealed class AmbientContext
{
    // 0 while the scope is open, 1 once disposed. Interlocked so that a scope disposed twice, or from two threads,
    // releases its request reference exactly once.
    private int _exited;

    // Set when the scope was disposed while it was not the current value of the disposing flow (out of order, or
    // from another flow). Such a context is skipped when a later exit restores its parent chain.
    private volatile bool _skipped;

    public AmbientContext(SessionHolder? holder, ulong sync, SessionUser? effectiveUser, AmbientContext? parent, bool holdsRequest)
    {
        Holder = holder;
        Sync = sync;
        EffectiveUser = effectiveUser;
        Parent = parent;
        HoldsRequest = holdsRequest;
    }

    /// <summary>Gets the session's holder, or <see langword="null"/> for a <c>Su</c> scope outside any session.</summary>
    public SessionHolder? Holder { get; }

    /// <summary>Gets the request id given to <c>Enter</c> (0 for trigger contexts).</summary>
    public ulong Sync { get; }

    /// <summary>Gets the effective user override, or <see langword="null"/> to use the session user.</summary>
    public SessionUser? EffectiveUser { get; }

    /// <summary>Gets the context that was current when this one was entered.</summary>
    public AmbientContext? Parent { get; }

    /// <summary>Gets a value indicating whether this context counts as an in-flight request that delays destroy.</summary>
    public bool HoldsRequest { get; }

    public bool IsExited => Volatile.Read(ref _exited) != 0;

    public bool IsSkipped => _skipped;

    /// <summary>Marks the context exited; returns <see langword="true"/> only for the first call.</summary>
    public bool TryExit() => Interlocked.Exchange(ref _exited, 1) == 0;

    /// <summary>Marks a context disposed out of order, so restoring a descendant's parent chain passes over it.</summary>
    public void MarkSkipped() => _skipped = true;
}
