using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using SessionKit.Internal;

namespace SessionKit;

public sealed partial class SessionManager
{
    /// <summary>
    /// Gets the session of the current async flow: the one entered with <see cref="Enter"/>, or the one a trigger runs
    /// for; <see langword="null"/> outside any session or once the session was destroyed.
    /// </summary>
    public Session? Current => Ambient?.Holder?.Session;

    /// <summary>Gets the current session's id (Tarantool's <c>box.session.id()</c>); 0 outside any session.</summary>
    public ulong Id => Current?.Id ?? 0;

    /// <summary>
    /// Gets the current request's sync (Tarantool's <c>box.session.sync()</c>): the value given to <see cref="Enter"/>,
    /// request-local. 0 outside a request, inside <c>on_connect</c> and <c>on_disconnect</c>, and in a request still
    /// running after its session was closed.
    /// </summary>
    public ulong Sync
    {
        get
        {
            var context = Ambient;
            var session = context?.Holder?.Session;
            return session is null || session.IsClosed ? 0 : context!.Sync;
        }
    }

    /// <summary>Gets the current session's user name (<c>box.session.user()</c>); the background user outside any session.</summary>
    /// <remarks><c>Su</c> does not change it; <c>ChangeUser</c> and authentication do.</remarks>
    public string User => SessionUserOf(Ambient).Name;

    /// <summary>Gets the current session's user id (<c>box.session.uid()</c>).</summary>
    public ulong Uid => SessionUserOf(Ambient).Id;

    /// <summary>Gets the effective user name of the current flow (<c>box.session.effective_user()</c>): the <c>Su</c> target inside a <c>Su</c> scope, otherwise the session user.</summary>
    public string EffectiveUser => EffectiveUserOf(Ambient).Name;

    /// <summary>Gets the effective user id of the current flow (<c>box.session.euid()</c>).</summary>
    public ulong Euid => EffectiveUserOf(Ambient).Id;

    /// <summary>Gets the current session's type (<c>box.session.type()</c>); <see cref="SessionType.Background"/> outside any session.</summary>
    public SessionType Type => Current?.Type ?? SessionType.Background;

    /// <summary>Gets the current session's storage (<c>box.session.storage</c>).</summary>
    /// <exception cref="InvalidOperationException">There is no current session.</exception>
    public SessionStorage Storage =>
        Current?.Storage ?? throw new InvalidOperationException(
            "There is no current session: Storage is available inside a request scope (Enter) or a session trigger. Use Session.Storage to reach a session you hold.");

    /// <summary>Gets the current session's peer (<c>box.session.peer()</c>); <see langword="null"/> outside any session or for a session without a network peer.</summary>
    /// <returns>The peer address, or <see langword="null"/>.</returns>
    public string? Peer() => Current?.Peer;

    /// <summary>Tells whether there is a current session (<c>box.session.exists()</c> with no argument, which is always true in Tarantool).</summary>
    /// <returns><see langword="true"/> when the current flow runs in a registered session.</returns>
    public bool Exists() => Current is { IsDestroyed: false };

    /// <summary>
    /// Enters a request of <paramref name="session"/> with request id <paramref name="sync"/>: until the scope is disposed,
    /// this async flow (and tasks it starts) sees the session as <see cref="Current"/> and <paramref name="sync"/> as
    /// <see cref="Sync"/>. The session is not destroyed while a request scope is open.
    /// </summary>
    /// <param name="session">The session.</param>
    /// <param name="sync">The request id (0 if the protocol has none).</param>
    /// <returns>The scope; dispose it when the request ends.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="session"/> belongs to another manager.</exception>
    /// <exception cref="SessionClosedException">The session is closed.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public SessionScope Enter(Session session, ulong sync = 0)
    {
        ValidateSession(session);
        ThrowIfDisposed();
        if (!session.TryAcquire())
        {
            ThrowClosed(session);
        }

        var context = new AmbientContext(session.Holder, sync, null, Ambient, holdsRequest: true);
        _ambient.Value = context;
        return new SessionScope(this, context);
    }

    // Kept out of Enter so that the common path sets up no string-formatting locals.
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowClosed(Session session) =>
        throw new SessionClosedException(session.Id, $"Session {session.Id} is closed; no new request can enter it.");

    /// <summary>Leaves a scope: releases its request reference once and moves the disposing flow's ambient value.</summary>
    internal void Exit(AmbientContext context)
    {
        if (!context.TryExit())
        {
            return;
        }

        // Restore first, so that the destroy below never runs with this context still current. Only a flow whose
        // current context is this one restores (disposed Su scopes above it are read through, so they do not count).
        // Any other disposal is out of order: it records the disposing flow's current context, so that restoring a
        // scope at or under that one later passes over this one. Flows that merely carry a disposed scope are not
        // touched: they read through a disposed Su scope and keep a disposed request's session identity.
        var raw = _ambient.Value;
        var top = raw;
        while (top is not null && !ReferenceEquals(top, context) && top.IsRevoked)
        {
            top = top.Parent;
        }

        if (ReferenceEquals(top, context))
        {
            _ambient.Value = RestoreTarget(context);
        }
        else if (top is not null)
        {
            context.MarkSkippedUnder(top);
        }

        if (context.HoldsRequest)
        {
            // A request reference keeps the session from being destroyed, so the holder still points at it here.
            var session = context.Holder!.Session!;

            // The idle clock restarts here: a plain copy of the sweep's coarse stamp (0 when idle timeouts are off),
            // before the release, whose interlocked decrement publishes it to a sweep that sees no scope open.
            session.LastActivity = _activityStamp;
            if (session.Release())
            {
                Destroy(session);
            }
        }
    }

    /// <summary>
    /// What a flow returns to when it leaves <paramref name="context"/>: its parent, passing over disposed Su scopes and
    /// scopes disposed out of order under <paramref name="context"/> or a scope between the two (never one disposed out
    /// of order in an unrelated flow: passing over a request scope would widen the flow to what was under it).
    /// </summary>
    private static AmbientContext? RestoreTarget(AmbientContext context)
    {
        var target = context.Parent;
        while (target is not null && (target.IsRevoked || SkippedOnThePath(target, context)))
        {
            target = target.Parent;
        }

        return target;
    }

    /// <summary>Tells whether <paramref name="ancestor"/> was disposed out of order while a context on the path from <paramref name="from"/> up to it was current.</summary>
    private static bool SkippedOnThePath(AmbientContext ancestor, AmbientContext from)
    {
        var under = ancestor.SkippedUnder;
        if (under is null)
        {
            return false;
        }

        for (var c = from; c is not null && !ReferenceEquals(c, ancestor); c = c.Parent)
        {
            if (ReferenceEquals(c, under))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Gets the ambient context of this flow, reading through disposed Su scopes: a disposed Su scope grants nothing
    /// to any flow, whichever flow disposed it. A disposed request scope is not read through: a flow that still
    /// carries it keeps that session's identity (the holder pattern), never what was under it.
    /// </summary>
    private AmbientContext? Ambient
    {
        get
        {
            var context = _ambient.Value;
            while (context is { IsRevoked: true })
            {
                context = context.Parent;
            }

            return context;
        }
    }

    /// <summary>
    /// The context whose user a <c>ChangeUser</c> is judged against: the current one with every <c>Su</c> grant above
    /// it set aside. That is the innermost request scope (its session user) or the trigger run (admin in
    /// <c>on_connect</c>, the pre-authentication user in <c>on_auth</c>), never a temporary <c>Su</c> target.
    /// </summary>
    private static AmbientContext? WithoutSuGrants(AmbientContext? context)
    {
        // Request contexts have no override; trigger contexts have no parent. Every other context is a Su scope.
        while (context is { EffectiveUser: not null, Parent: not null })
        {
            context = context.Parent;
        }

        return context;
    }

    private SessionUser SessionUserOf(AmbientContext? context) => context?.Holder?.User ?? _backgroundUser;

    private SessionUser EffectiveUserOf(AmbientContext? context) =>
        context?.EffectiveUser ?? context?.Holder?.User ?? _backgroundUser;
}
