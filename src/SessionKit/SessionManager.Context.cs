using System.Runtime.CompilerServices;
using SessionKit.Internal;

namespace SessionKit;

/// <content>The ambient reads of <c>box.session</c>, request scopes, <c>Su</c> and <c>ChangeUser</c>.</content>
public sealed partial class SessionManager
{
    /// <summary>
    /// Gets the session of the current async flow: the one entered with <see cref="Enter"/>, or the one a trigger runs
    /// for; <see langword="null"/> outside any session or once the session was destroyed.
    /// </summary>
    public Session? Current => _ambient.Session;

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
            var context = _ambient.Current;
            var session = context?.Holder?.Session;
            return session is null || session.IsClosed ? 0 : context!.Sync;
        }
    }

    /// <summary>Gets the current session's user name (<c>box.session.user()</c>); the background user outside any session.</summary>
    /// <remarks><c>Su</c> does not change it; <c>ChangeUser</c> and authentication do.</remarks>
    public string User => _ambient.SessionUserOf(_ambient.Current).Name;

    /// <summary>Gets the current session's user id (<c>box.session.uid()</c>).</summary>
    public ulong Uid => _ambient.SessionUserOf(_ambient.Current).Id;

    /// <summary>Gets the effective user name of the current flow (<c>box.session.effective_user()</c>): the <c>Su</c> target inside a <c>Su</c> scope, otherwise the session user.</summary>
    public string EffectiveUser => _ambient.EffectiveUserOf(_ambient.Current).Name;

    /// <summary>Gets the effective user id of the current flow (<c>box.session.euid()</c>).</summary>
    public ulong Euid => _ambient.EffectiveUserOf(_ambient.Current).Id;

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
        SessionGuards.Validate(session, this);
        return _scopes.Enter(session, sync);
    }

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
    public SessionScope Su(string user) => _switcher.Su(user);

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
    // An async lambda converts to Func<ValueTask> and Func<Task> alike (CS0121 without this): the priority keeps it
    // here, where it bound before the Task overloads existed. A Task-returning method group or expression binds there.
    [OverloadResolutionPriority(1)]
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
    // An async lambda converts to Func<ValueTask> and Func<Task> alike (CS0121 without this): the priority keeps it
    // here, where it bound before the Task overloads existed. A Task-returning method group or expression binds there.
    [OverloadResolutionPriority(1)]
    public async ValueTask<T> SuAsync<T>(string user, Func<ValueTask<T>> func)
    {
        ArgumentNullException.ThrowIfNull(func);
        using (Su(user))
        {
            return await func().ConfigureAwait(false);
        }
    }

    /// <summary>Runs <see cref="Task"/>-returning work as <paramref name="user"/>; see <see cref="SuAsync(string, Func{ValueTask})"/>.</summary>
    /// <param name="user">The user name.</param>
    /// <param name="func">The work, such as a method group or a lambda returning a <see cref="Task"/>; an <see langword="async"/> lambda binds to the <see cref="ValueTask"/> overload, which is preferred when both fit.</param>
    /// <returns>A task that completes with the work.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="func"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="user"/> is null, empty, whitespace, longer than 256 characters or has control characters (<see cref="ArgumentNullException"/> for null).</exception>
    /// <exception cref="AccessDeniedException">The caller may not switch users, or the target may not connect.</exception>
    /// <exception cref="UserNotFoundException">No user has that name.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public async Task SuAsync(string user, Func<Task> func)
    {
        ArgumentNullException.ThrowIfNull(func);
        using (Su(user))
        {
            await func().ConfigureAwait(false);
        }
    }

    /// <summary>Runs <see cref="Task{TResult}"/>-returning work as <paramref name="user"/> and returns its result; see <see cref="SuAsync(string, Func{ValueTask})"/>.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="user">The user name.</param>
    /// <param name="func">The work, such as a method group or a lambda returning a <see cref="Task{TResult}"/>; an <see langword="async"/> lambda binds to the <see cref="ValueTask"/> overload, which is preferred when both fit.</param>
    /// <returns>What <paramref name="func"/> returned.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="func"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="user"/> is null, empty, whitespace, longer than 256 characters or has control characters (<see cref="ArgumentNullException"/> for null).</exception>
    /// <exception cref="AccessDeniedException">The caller may not switch users, or the target may not connect.</exception>
    /// <exception cref="UserNotFoundException">No user has that name.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public async Task<T> SuAsync<T>(string user, Func<Task<T>> func)
    {
        ArgumentNullException.ThrowIfNull(func);
        using (Su(user))
        {
            return await func().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Changes the session user of the current session for the rest of the session (Tarantool's one-argument
    /// <c>box.session.su(user)</c>). The caller must be allowed by <see cref="SessionManagerOptions.SwitchUserPolicy"/>
    /// (by default: admin), judged against the flow's user without any <c>Su</c> grant: the session user in a request,
    /// the trigger's user in a trigger (admin in <c>on_connect</c>). As in Tarantool, the effective user of the current
    /// flow becomes <paramref name="user"/> too, for the rest of the current scope (the request, the <c>Su</c> scope or
    /// the trigger run).
    /// </summary>
    /// <param name="user">The user name.</param>
    /// <exception cref="ArgumentNullException"><paramref name="user"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="user"/> is empty, whitespace, longer than 256 characters or has control characters.</exception>
    /// <exception cref="InvalidOperationException">There is no current session.</exception>
    /// <exception cref="AccessDeniedException">The caller may not switch users, or the target may not connect (<c>on_access_denied</c> ran).</exception>
    /// <exception cref="UserNotFoundException">No user has that name.</exception>
    /// <exception cref="SessionClosedException">The current session is closed.</exception>
    /// <exception cref="SessionLimitExceededException">The target already holds <see cref="SessionManagerOptions.MaxSessionsPerUser"/> sessions under <see cref="SessionLimitPolicy.RejectNew"/>; the session user is unchanged.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public void ChangeUser(string user) => _switcher.ChangeUser(user);
}
