using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace SessionKit.Internal;

/// <summary>
/// <c>Su</c> and <c>ChangeUser</c>: the target's lookup, the switch policy, and the refusals (with
/// <c>on_access_denied</c>). A <c>Su</c> grant lasts for its scope; a <c>ChangeUser</c> changes the session user, judged
/// without any <c>Su</c> grant (design.md: a temporary grant never becomes permanent).
/// </summary>
internal sealed class UserSwitcher(
    IUserDirectory directory,
    Func<SwitchUserRequest, bool> policy,
    SessionLimits limits,
    AmbientSlot ambient,
    RequestScopes scopes,
    ManagerLifetime lifetime,
    TriggerDispatcher dispatcher,
    UserChanges changes,
    AccountWatcher? accountWatcher,
    SessionMetrics metrics)
{
    // Null unless the directory is the embedded one, whose lookups need no validation (see FindEmbedded).
    private readonly InMemoryUserDirectory? _embedded = directory as InMemoryUserDirectory;

    /// <summary>See <see cref="SessionManager.Su(string)"/>.</summary>
    public SessionScope Su(string user)
    {
        var found = FindEmbedded(user, out var mayConnect);
        if (found is null)
        {
            limits.User(user, nameof(user));
        }

        lifetime.ThrowIfDisposed();
        if (found is null && _embedded is null)
        {
            FindInDirectory(user, out found, out mayConnect);
        }

        var current = ambient.Current;
        var target = Authorize(current, current?.Holder?.Session, user, found, mayConnect, SwitchUserKind.Su);
        return scopes.EnterSu(current, target);
    }

    /// <summary>See <see cref="SessionManager.ChangeUser"/>.</summary>
    public void ChangeUser(string user)
    {
        var found = FindEmbedded(user, out var mayConnect);
        if (found is null)
        {
            limits.User(user, nameof(user));
        }

        lifetime.ThrowIfDisposed();
        var context = ambient.Current;
        var session = context?.Holder?.Session ?? throw new InvalidOperationException(
            "ChangeUser needs a current session: call it inside a request scope (Enter) or a session trigger.");
        SessionGuards.ThrowIfClosed(session);
        if (found is null && _embedded is null)
        {
            FindInDirectory(user, out found, out mayConnect);
        }

        var target = Authorize(context, session, user, found, mayConnect, SwitchUserKind.ChangeUser);
        var change = changes.ChangeUnadmitted(session, target);
        if (accountWatcher is not null && !accountWatcher.EnsureStands(session, target))
        {
            throw new UserNotFoundException(user);
        }

        ChangeEffectiveUserOfScope(session, context!, target);
        Detached.Run(changes.PublishAsync(change, CancellationToken.None));
    }

    /// <summary>
    /// As Tarantool's one-argument <c>box.session.su(user)</c>: the rest of the current scope runs as the new user. A
    /// request scope follows the session user already; a <c>Su</c> scope or a trigger run has an override, which is
    /// replaced. The scope's context is shared by everything that runs in it (the later triggers of an
    /// <c>on_connect</c> run, tasks started inside), so it is changed in place rather than by a new ambient value,
    /// which an async trigger could not hand back to the run.
    /// </summary>
    private static void ChangeEffectiveUserOfScope(Session session, AmbientContext context, SessionUser user)
    {
        if (context.EffectiveUser is null)
        {
            return;
        }

        // The trigger context of on_connect is kept on the session for later runs (on_disconnect runs as admin):
        // once changed, it is no longer that context, so later runs build a fresh one.
        if (session.ExtrasOrNull is { } extras && ReferenceEquals(extras.SystemContext, context))
        {
            extras.SystemContext = null;
        }

        context.ChangeEffectiveUser(user);
    }

    /// <summary>
    /// Looks <paramref name="name"/> up when the directory is the embedded <see cref="InMemoryUserDirectory"/>;
    /// <see langword="null"/> when it is another directory, the name is null, or no user has that name. A name it
    /// finds needs no validation: every name the embedded directory holds passed <c>Names.Validate</c> when it was
    /// added. Callers validate a name this does not find, then ask any other directory once their own checks passed.
    /// </summary>
    /// <remarks>
    /// The validation this saves was a tenth of <c>Su</c>'s cost. The embedded lookup cannot throw and has no side
    /// effects, so asking it before the disposed and session checks changes nothing a caller can see.
    /// </remarks>
    private SessionUser? FindEmbedded(string? name, out bool mayConnect)
    {
        if (name is not null && _embedded is { } memory && memory.TryFindConnectable(name, out var user, out mayConnect))
        {
            return user;
        }

        mayConnect = false;
        return null;
    }

    /// <summary>Asks a directory other than the embedded one about a name already validated; callers ask only once their own checks passed.</summary>
    private void FindInDirectory(string name, out SessionUser? target, out bool mayConnect)
    {
        directory.TryFindUser(name, out target);
        mayConnect = target is not null && directory.MayConnect(target);
    }

    /// <summary>
    /// Applies the caller check, then refuses an unknown target, an impostor of a reserved id, or a target that may not
    /// connect. The caller of <c>Su</c> is the flow's effective user; the caller of <c>ChangeUser</c> is the flow's user
    /// without any <c>Su</c> grant.
    /// </summary>
    private SessionUser Authorize(AmbientContext? context, Session? session, string targetName, SessionUser? target, bool mayConnect, SwitchUserKind kind)
    {
        var caller = ambient.EffectiveUserOf(kind == SwitchUserKind.Su ? context : AmbientSlot.WithoutSuGrants(context));

        // The caller check comes first so that a refused caller cannot learn which user names exist. The refusals
        // are built in a separate method so that this path (every Su) sets up no string-formatting locals.
        var allowed = policy(new SwitchUserRequest(session, caller, targetName, target, kind));
        if (!allowed || target is null || !mayConnect || ReservedUsers.IsImpostor(target))
        {
            Refuse(session, caller, targetName, target, kind, allowed);
        }

        return target;
    }

    /// <summary>Throws the refusal of a switch: the caller check first, then an unknown target, then one that may not connect.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Refuse(Session? session, SessionUser caller, string targetName, SessionUser? target, SwitchUserKind kind, bool allowed)
    {
        var access = kind == SwitchUserKind.Su ? "Su" : "ChangeUser";
        if (!allowed)
        {
            metrics.SuRefused(kind == SwitchUserKind.Su ? "su" : "change_user");
            Deny($"is denied for user '{Text.Truncate(caller.Name)}'");
        }

        if (target is null)
        {
            throw new UserNotFoundException(targetName);
        }

        if (ReservedUsers.IsImpostor(target))
        {
            // A directory gave a reserved id to another user: refused whoever asks, so that no policy reading ids can
            // mistake it for guest or admin.
            var owner = target.Id == SessionUser.Guest.Id ? SessionUser.Guest.Name : SessionUser.Admin.Name;
            Deny($"is denied: id {target.Id} is reserved for '{owner}'");
        }

        dispatcher.FireAccessDenied(session, "Session", "universe", string.Empty, target.Name);
        throw SessionGuards.SessionAccessDenied(target);

        [DoesNotReturn]
        void Deny(string why)
        {
            dispatcher.FireAccessDenied(session, access, "user", targetName, caller.Name);
            throw new AccessDeniedException(access, "user", targetName, caller.Name, $"{access} access to user '{Text.Truncate(targetName)}' {why}");
        }
    }
}
