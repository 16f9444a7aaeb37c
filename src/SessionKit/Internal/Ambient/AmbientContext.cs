namespace SessionKit.Internal;

/// <summary>
/// The value a manager keeps in its <see cref="AsyncLocal{T}"/>: which session (through its holder), which request
/// sync and which effective user the current async flow runs as.
/// </summary>
/// <remarks>
/// <para>
/// Three kinds share this type. A request context (<c>Enter</c>) has no effective-user override and holds a request
/// reference. A <c>Su</c> context has an override and is left through its scope. A trigger context has an override
/// and no scope: it is never exited. The kind is not stored: a request context is the one without an override (an
/// override is never cleared), and an exited context with an override is a <c>Su</c> context. That keeps the object
/// at 56 bytes (four references and the sync), the size <c>Enter</c> and <c>Su</c> allocate per scope.
/// </para>
/// <para>
/// A disposed scope never keeps granting anything to any flow (design.md "Security rules"), whichever flow disposed
/// it. Every flow that still carries a disposed <c>Su</c> context reads through it to what was under it
/// (<see cref="IsRevoked"/>). A disposed request context is not read through: a flow that still carries it (a task
/// that outlives its request, or the entering flow when another flow disposed its scope) keeps that session's
/// identity, as the holder pattern defines it, and never falls to what was under it (the background user, admin by
/// default). Only the flow that disposes a scope moves its own value; out-of-order disposal is handled through
/// <see cref="SkippedUnder"/>.
/// </para>
/// </remarks>
internal sealed class AmbientContext
{
    // What _exit holds once the scope was disposed as the current scope of the disposing flow (in order).
    private static readonly object ExitedInOrder = new();

    // null while open; ExitedInOrder, or the context that was current in the disposing flow when this one was
    // disposed out of order. One field for both, so that the object stays 56 bytes. Set once from null by
    // CompareExchange (the exactly-once exit), then at most once more by the same thread (MarkSkippedUnder).
    private object? _exit;

    // The effective-user override: null for a request context. ChangeUser replaces it (for the rest of the scope) but
    // never clears it, so the kind derived from it never changes.
    private volatile SessionUser? _effectiveUser;

    public AmbientContext(SessionHolder? holder, ulong sync, SessionUser? effectiveUser, AmbientContext? parent, bool holdsRequest)
    {
        // The kind is derived from the override (see remarks): a request context has none, every other has one.
        if (holdsRequest != effectiveUser is null)
        {
            throw new ArgumentException("A request context has no effective-user override; every other context has one.", nameof(holdsRequest));
        }

        Holder = holder;
        Sync = sync;
        _effectiveUser = effectiveUser;
        Parent = parent;
    }

    /// <summary>Gets the session's holder, or <see langword="null"/> for a <c>Su</c> scope outside any session.</summary>
    public SessionHolder? Holder { get; }

    /// <summary>Gets the request id given to <c>Enter</c> (0 for trigger contexts).</summary>
    public ulong Sync { get; }

    /// <summary>Gets the effective user override, or <see langword="null"/> to use the session user.</summary>
    public SessionUser? EffectiveUser => _effectiveUser;

    /// <summary>Gets the context that was current when this one was entered.</summary>
    public AmbientContext? Parent { get; }

    /// <summary>Gets a value indicating whether this context counts as an in-flight request that delays destroy.</summary>
    public bool HoldsRequest => _effectiveUser is null;

    public bool IsExited => Volatile.Read(ref _exit) is not null;

    /// <summary>
    /// Gets a value indicating whether this is a disposed <c>Su</c> context: every flow that still carries it reads
    /// through it to its parent. (Trigger contexts are never exited; request contexts are never read through.)
    /// </summary>
    public bool IsRevoked => Volatile.Read(ref _exit) is not null && _effectiveUser is not null;

    /// <summary>
    /// Gets the context that was current in the disposing flow when this one was disposed out of order, or
    /// <see langword="null"/>. Restoring passes over this context only for a scope at or under that one.
    /// </summary>
    public AmbientContext? SkippedUnder => Volatile.Read(ref _exit) as AmbientContext;

    /// <summary>Marks the context exited; returns <see langword="true"/> only for the first call.</summary>
    public bool TryExit() => Interlocked.CompareExchange(ref _exit, ExitedInOrder, null) is null;

    /// <summary>Records the disposing flow's current context after an out-of-order exit; only the thread whose <see cref="TryExit"/> won calls it.</summary>
    public void MarkSkippedUnder(AmbientContext current) => Volatile.Write(ref _exit, current);

    /// <summary>ChangeUser: the rest of this scope runs as <paramref name="user"/>. Only for a context that has an override.</summary>
    public void ChangeEffectiveUser(SessionUser user) => _effectiveUser = user;
}
