namespace SessionKit.Internal;

/// <summary>
/// Request and <c>Su</c> scopes: entering sets the flow's ambient context (a request scope also takes a reference on
/// its session, so destroy waits for it); leaving restores what the flow had before, in or out of order, and gives the
/// reference back (the last one out destroys a closed session).
/// </summary>
internal sealed class RequestScopes(AmbientSlot ambient, ManagerLifetime lifetime, SessionDestroyer destroyer, IdleSweeper idle)
{
    /// <summary>Enters a request of a session the caller validated; see <see cref="SessionManager.Enter"/>.</summary>
    public SessionScope Enter(Session session, ulong sync)
    {
        lifetime.ThrowIfDisposed();
        if (!session.TryAcquire())
        {
            SessionGuards.ThrowClosedForRequests(session);
        }

        var context = new AmbientContext(session.Holder, sync, null, ambient.Current, holdsRequest: true);
        ambient.Raw = context;
        return new SessionScope(this, context);
    }

    /// <summary>Enters a <c>Su</c> scope with an authorized target over <paramref name="current"/>.</summary>
    public SessionScope EnterSu(AmbientContext? current, SessionUser target)
    {
        var context = new AmbientContext(current?.Holder, current?.Sync ?? 0, target, current, holdsRequest: false);
        ambient.Raw = context;
        return new SessionScope(this, context);
    }

    /// <summary>Leaves a scope: releases its request reference once and moves the disposing flow's ambient value.</summary>
    public void Exit(AmbientContext context)
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
        var top = ambient.Raw;
        while (top is not null && !ReferenceEquals(top, context) && top.IsRevoked)
        {
            top = top.Parent;
        }

        if (ReferenceEquals(top, context))
        {
            ambient.Raw = RestoreTarget(context);
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
            session.LastActivity = idle.ActivityStamp;
            destroyer.Release(session);
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
}
