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

    /// <summary>Leaves a scope: releases its request reference once and moves the ambient value past exited scopes.</summary>
    internal void Exit(AmbientContext context)
    {
        if (!context.TryExit())
        {
            return;
        }

        // Restore first, so that the destroy below never runs with this context still current. Only the flow whose
        // current value is this context can restore it; any other disposal is out of order and is remembered so
        // that restoring a descendant later passes over it.
        if (ReferenceEquals(_ambient.Value, context))
        {
            var target = context.Parent;
            while (target is { IsSkipped: true })
            {
                target = target.Parent;
            }

            _ambient.Value = target;
        }
        else
        {
            context.MarkSkipped();
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
    /// Gets the ambient context of this flow, passing over scopes disposed out of order or from another flow: a
    /// disposed scope is never seen again by the flow that entered it. (A scope its own flow disposed in order is
    /// not passed over, so a task that inherited it keeps its request until the session is destroyed.)
    /// </summary>
    private AmbientContext? Ambient
    {
        get
        {
            var context = _ambient.Value;
            while (context is { IsSkipped: true })
            {
                context = context.Parent;
            }

            return context;
        }
    }

    private SessionUser SessionUserOf(AmbientContext? context) => context?.Holder?.User ?? _backgroundUser;

    private SessionUser EffectiveUserOf(AmbientContext? context) =>
        context?.EffectiveUser ?? context?.Holder?.User ?? _backgroundUser;
}
