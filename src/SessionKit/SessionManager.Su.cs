using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using SessionKit.Internal;

namespace SessionKit;

public sealed partial class SessionManager
{
    /// <summary>
    /// Switches the effective user of the current async flow until the scope is disposed (Tarantool's
    /// <c>box.session.su(user, f)</c> as a scope). <see cref="EffectiveUser"/> shows the change, <see cref="User"/> does
    /// not; concurrent flows of the same session are unaffected. Scopes nest.
    /// </summary>
    /// <param name="user">The user name.</param>
    /// <returns>The scope; dispose it to restore the previous effective user.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="user"/> is null (it never means guest).</exception>
    /// <exception cref="ArgumentException"><paramref name="user"/> is empty, whitespace, longer than 256 characters or has control characters.</exception>
    /// <exception cref="AccessDeniedException">The caller may not switch users, or the target may not connect (<c>on_access_denied</c> ran).</exception>
    /// <exception cref="UserNotFoundException">No user has that name (<c>User 'NAME' is not found</c>).</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public SessionScope Su(string user)
    {
        var found = FindEmbedded(user, out var mayConnect);
        if (found is null)
        {
            _limits.User(user, nameof(user));
        }

        ThrowIfDisposed();
        if (found is null && _users is not InMemoryUserDirectory)
        {
            FindInDirectory(user, out found, out mayConnect);
        }

        var current = Ambient;
        var target = AuthorizeSwitch(current, current?.Holder?.Session, user, found, mayConnect, SwitchUserKind.Su);
        var context = new AmbientContext(current?.Holder, current?.Sync ?? 0, target, current, holdsRequest: false);
        _ambient.Value = context;
        return new SessionScope(this, context);
    }

    /// <summary>Runs <paramref name="action"/> as <paramref name="user"/>; see <see cref="Su(string)"/>. The effective user is restored even when it throws.</summary>
    /// <param name="user">The user name.</param>
    /// <param name="action">The work.</param>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="user"/> is null, empty, whitespace, longer than 256 characters or has control characters (<see cref="ArgumentNullException"/> for null).</exception>
    /// <exception cref="AccessDeniedException">The caller may not switch users, or the target may not connect.</exception>
    /// <exception cref="UserNotFoundException">No user has that name.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public void Su(string user, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        using (Su(user))
        {
            action();
        }
    }

    /// <summary>Runs <paramref name="func"/> as <paramref name="user"/> and returns its result; see <see cref="Su(string)"/>.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="user">The user name.</param>
    /// <param name="func">The work.</param>
    /// <returns>What <paramref name="func"/> returned.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="func"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="user"/> is null, empty, whitespace, longer than 256 characters or has control characters (<see cref="ArgumentNullException"/> for null).</exception>
    /// <exception cref="AccessDeniedException">The caller may not switch users, or the target may not connect.</exception>
    /// <exception cref="UserNotFoundException">No user has that name.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public T Su<T>(string user, Func<T> func)
    {
        ArgumentNullException.ThrowIfNull(func);
        using (Su(user))
        {
            return func();
        }
    }

    /// <summary>Runs asynchronous work as <paramref name="user"/>; the switch covers every await of <paramref name="func"/> and nothing after it.</summary>
    /// <param name="user">The user name.</param>
    /// <param name="func">The work.</param>
    /// <returns>A task that completes with the work.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="func"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="user"/> is null, empty, whitespace, longer than 256 characters or has control characters (<see cref="ArgumentNullException"/> for null).</exception>
    /// <exception cref="AccessDeniedException">The caller may not switch users, or the target may not connect.</exception>
    /// <exception cref="UserNotFoundException">No user has that name.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public async ValueTask SuAsync(string user, Func<ValueTask> func)
    {
        ArgumentNullException.ThrowIfNull(func);
        using (Su(user))
        {
            await func().ConfigureAwait(false);
        }
    }

    /// <summary>Runs asynchronous work as <paramref name="user"/> and returns its result; see <see cref="SuAsync(string, Func{ValueTask})"/>.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="user">The user name.</param>
    /// <param name="func">The work.</param>
    /// <returns>What <paramref name="func"/> returned.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="func"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="user"/> is null, empty, whitespace, longer than 256 characters or has control characters (<see cref="ArgumentNullException"/> for null).</exception>
    /// <exception cref="AccessDeniedException">The caller may not switch users, or the target may not connect.</exception>
    /// <exception cref="UserNotFoundException">No user has that name.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public async ValueTask<T> SuAsync<T>(string user, Func<ValueTask<T>> func)
    {
        ArgumentNullException.ThrowIfNull(func);
        using (Su(user))
        {
            return await func().ConfigureAwait(false);
        }
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
        if (name is not null && _users is InMemoryUserDirectory memory && memory.TryFindConnectable(name, out var user, out mayConnect))
        {
            return user;
        }

        mayConnect = false;
        return null;
    }

    /// <summary>Asks a directory other than the embedded one about a name already validated; callers ask only once their own checks passed.</summary>
    private void FindInDirectory(string name, out SessionUser? target, out bool mayConnect)
    {
        _users.TryFindUser(name, out target);
        mayConnect = target is not null && _users.MayConnect(target);
    }

    /// <summary>
    /// Applies the caller check, then refuses an unknown target, an impostor of a reserved id, or a target that may not
    /// connect. The caller of <c>Su</c> is the flow's effective user; the caller of <c>ChangeUser</c> is the flow's user
    /// without any <c>Su</c> grant (design.md: a temporary grant never becomes permanent).
    /// </summary>
    private SessionUser AuthorizeSwitch(AmbientContext? context, Session? session, string targetName, SessionUser? target, bool mayConnect, SwitchUserKind kind)
    {
        var caller = EffectiveUserOf(kind == SwitchUserKind.Su ? context : WithoutSuGrants(context));

        // The caller check comes first so that a refused caller cannot learn which user names exist. The refusals
        // are built in a separate method so that this path (every Su) sets up no string-formatting locals.
        var allowed = _switchUserPolicy(new SwitchUserRequest(session, caller, targetName, target, kind));
        if (!allowed || target is null || !mayConnect || ReservedUsers.IsImpostor(target))
        {
            RefuseSwitch(session, caller, targetName, target, kind, allowed);
        }

        return target;
    }

    /// <summary>Throws the refusal of a switch: the caller check first, then an unknown target, then one that may not connect.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RefuseSwitch(Session? session, SessionUser caller, string targetName, SessionUser? target, SwitchUserKind kind, bool allowed)
    {
        var access = kind == SwitchUserKind.Su ? "Su" : "ChangeUser";
        if (!allowed)
        {
            _metrics.SuRefused(kind == SwitchUserKind.Su ? "su" : "change_user");
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

        FireAccessDenied(session, "Session", "universe", string.Empty, target.Name);
        throw SessionAccessDenied(target);

        [DoesNotReturn]
        void Deny(string why)
        {
            FireAccessDenied(session, access, "user", targetName, caller.Name);
            throw new AccessDeniedException(access, "user", targetName, caller.Name, $"{access} access to user '{Text.Truncate(targetName)}' {why}");
        }
    }
}
