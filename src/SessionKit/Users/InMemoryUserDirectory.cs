using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using SessionKit.Internal;

namespace SessionKit;

/// <summary>
/// The embedded user directory: <c>guest</c> (id 0, no password) and <c>admin</c> (id 1, no password until one is set),
/// plus users added with <see cref="AddUser"/>. Passwords are kept only as salted PBKDF2-SHA256 hashes and compared in
/// constant time, plus, for Tarantool's iproto AUTH, the <c>chap-sha1</c> credential <c>sha1(sha1(password))</c> (see
/// <see cref="VerifyChapSha1"/>).
/// </summary>
/// <remarks>
/// Thread-safe. New users get ids from 32 upwards, as in Tarantool, so no user but <c>guest</c> and <c>admin</c> ever
/// holds the reserved ids 0 and 1. <c>guest</c> authenticates with an empty password; <c>admin</c> cannot authenticate
/// until <see cref="SetPassword"/> gives it one. A password that is not valid UTF-16 (a lone surrogate) never verifies.
/// </remarks>
public sealed partial class InMemoryUserDirectory : IObservableUserDirectory, IChapSha1Verifier
{
    /// <summary>The fewest PBKDF2 iterations accepted.</summary>
    public const int MinimumIterations = 100_000;

    private const ulong FirstUserId = 32;

    private readonly ConcurrentDictionary<string, Entry> _users = new(StringComparer.Ordinal);
    private readonly PasswordHasher _hasher;
    private readonly PasswordHash _dummy;
    private long _lastId = (long)FirstUserId - 1;

    /// <summary>Initializes a new instance of the <see cref="InMemoryUserDirectory"/> class.</summary>
    /// <param name="iterations">PBKDF2 iterations per hash; at least <see cref="MinimumIterations"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="iterations"/> is below <see cref="MinimumIterations"/>.</exception>
    public InMemoryUserDirectory(int iterations = MinimumIterations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, MinimumIterations);
        _hasher = new PasswordHasher(iterations);

        // Verifying an unknown user still derives a key against this dummy hash so both failures cost the same time.
        _dummy = _hasher.Hash(string.Empty);
        _users[SessionUser.Guest.Name] = new Entry(SessionUser.Guest, null, MayConnect: true);
        _users[SessionUser.Admin.Name] = new Entry(SessionUser.Admin, null, MayConnect: true);
    }

    /// <summary>Gets the number of PBKDF2 iterations per hash.</summary>
    public int Iterations => _hasher.Iterations;

    /// <summary>Gets a snapshot of the users, ordered by id.</summary>
    public IReadOnlyList<SessionUser> Users => _users.Values.Select(e => e.User).OrderBy(u => u.Id).ToArray();

    /// <summary>Adds a user.</summary>
    /// <param name="name">The user name: not empty or whitespace, at most 1024 characters, no control characters, lone surrogates, <c>@</c> or <c>/</c>. Not normalised: the host applies PRECIS or NFC itself if it wants them.</param>
    /// <param name="password">The password (may be empty); valid UTF-16 text (no lone surrogates). Only its salted hash is kept.</param>
    /// <param name="mayConnect">Whether the user may hold a session.</param>
    /// <returns>The new user.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="password"/> is null.</exception>
    /// <exception cref="ArgumentException">The name is invalid or already taken, or the password has a lone surrogate (the message never quotes it).</exception>
    public SessionUser AddUser(string name, string password, bool mayConnect = true)
    {
        Names.ValidateUser(name, nameof(name), Names.LengthCeiling);
        ArgumentNullException.ThrowIfNull(password);

        // Hash before taking an id so a failure leaves the directory untouched.
        var hash = _hasher.Hash(password);
        var chap = ChapSha1.StoredCredential(password);
        if (_users.ContainsKey(name))
        {
            throw new ArgumentException($"A user named '{Text.Truncate(name)}' already exists.", nameof(name));
        }

        var user = new SessionUser((ulong)Interlocked.Increment(ref _lastId), name);

        // Ids start at 32 and only rise, so this never fires; it states the rule the manager relies on.
        System.Diagnostics.Debug.Assert(!ReservedUsers.IsImpostor(user), "ids 0 and 1 belong to guest and admin");
        if (!_users.TryAdd(name, new Entry(user, hash, mayConnect) { Chap = chap }))
        {
            throw new ArgumentException($"A user named '{Text.Truncate(name)}' already exists.", nameof(name));
        }

        return user;
    }

    /// <summary>Sets or replaces a user's password. A <see cref="SessionManager"/> using this directory then closes the user's other sessions (see <see cref="SessionManagerOptions.UserChangeClosePolicy"/>).</summary>
    /// <param name="name">The user name.</param>
    /// <param name="password">The new password. Only its salted hash is kept.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="password"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> breaks the naming rule of <see cref="AddUser"/>, or <paramref name="password"/> has a lone surrogate (the message never quotes it).</exception>
    /// <exception cref="UserNotFoundException">The user does not exist.</exception>
    public void SetPassword(string name, string password)
    {
        Names.ValidateUser(name, nameof(name), Names.LengthCeiling);
        ArgumentNullException.ThrowIfNull(password);
        var hash = _hasher.Hash(password);
        var chap = ChapSha1.StoredCredential(password);
        var previous = Update(name, e => e with { Hash = hash, Chap = chap });
        UserChanged?.Invoke(this, new UserChangedEventArgs(previous.User, UserChangeKind.PasswordChanged));
    }

    /// <summary>Grants or revokes the right to hold a session. Revoking it makes a <see cref="SessionManager"/> using this directory close the user's sessions (see <see cref="SessionManagerOptions.UserChangeClosePolicy"/>).</summary>
    /// <param name="name">The user name.</param>
    /// <param name="mayConnect">Whether the user may connect.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null (<see cref="ArgumentNullException"/>), or breaks the naming rule of <see cref="AddUser"/>.</exception>
    /// <exception cref="UserNotFoundException">The user does not exist.</exception>
    public void SetMayConnect(string name, bool mayConnect)
    {
        Names.ValidateUser(name, nameof(name), Names.LengthCeiling);
        var previous = Update(name, e => e with { MayConnect = mayConnect });
        if (previous.MayConnect && !mayConnect)
        {
            UserChanged?.Invoke(this, new UserChangedEventArgs(previous.User, UserChangeKind.Disabled));
        }
    }

    /// <inheritdoc/>
    public event EventHandler<UserChangedEventArgs>? UserChanging;

    /// <inheritdoc/>
    public event EventHandler<UserChangedEventArgs>? UserChanged;

    /// <summary>
    /// Removes a user. <c>guest</c> and <c>admin</c> cannot be removed. A <see cref="SessionManager"/> using this
    /// directory refuses to remove the user of the caller's current session, and closes the removed user's sessions
    /// (see <see cref="SessionManagerOptions.UserChangeClosePolicy"/>).
    /// </summary>
    /// <param name="name">The user name.</param>
    /// <returns><see langword="true"/> when the user was removed; <see langword="false"/> when it did not exist.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is <c>guest</c> or <c>admin</c>, or invalid.</exception>
    /// <exception cref="InvalidOperationException">The user is the session user or the effective user of the caller's current session (Tarantool's <c>Failed to drop user or role 'NAME': the user is active in the current session</c>); nothing changed.</exception>
    public bool RemoveUser(string name)
    {
        Names.ValidateUser(name, nameof(name), Names.LengthCeiling);
        if (name == SessionUser.Guest.Name || name == SessionUser.Admin.Name)
        {
            throw new ArgumentException($"The built-in user '{name}' cannot be removed.", nameof(name));
        }

        if (!_users.TryGetValue(name, out var entry))
        {
            return false;
        }

        // Asked first: a manager refuses to remove the user of the caller's current session, and the directory then
        // stays exactly as it was.
        UserChanging?.Invoke(this, new UserChangedEventArgs(entry.User, UserChangeKind.Removed));
        if (!_users.TryRemove(name, out var removed))
        {
            return false;
        }

        UserChanged?.Invoke(this, new UserChangedEventArgs(removed.User, UserChangeKind.Removed));
        return true;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    public bool TryFindUser(string name, [NotNullWhen(true)] out SessionUser? user)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_users.TryGetValue(name, out var entry))
        {
            user = entry.User;
            return true;
        }

        user = null;
        return false;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="password"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask<SessionUser?> VerifyAsync(string name, string password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(password);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_users.TryGetValue(name, out var entry))
        {
            _hasher.Verify(password, _dummy);
            return new ValueTask<SessionUser?>((SessionUser?)null);
        }

        bool ok;
        if (entry.Hash is null)
        {
            // No password set: only guest may then authenticate, with an empty password (Tarantool §4.6). A user
            // without a password (admin by default) cannot authenticate at all. Derive anyway so timing does not tell.
            ok = _hasher.Verify(password, _dummy) && password.Length == 0 && entry.User.Id == SessionUser.Guest.Id;
        }
        else
        {
            ok = _hasher.Verify(password, entry.Hash);
        }

        return new ValueTask<SessionUser?>(ok ? entry.User : null);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="user"/> is null.</exception>
    public bool MayConnect(SessionUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return _users.TryGetValue(user.Name, out var entry) && entry.User.Id == user.Id && entry.MayConnect;
    }

    /// <summary>Finds a user and whether it may connect with one lookup (the Su path).</summary>
    internal bool TryFindConnectable(string name, [NotNullWhen(true)] out SessionUser? user, out bool mayConnect)
    {
        if (_users.TryGetValue(name, out var entry))
        {
            user = entry.User;
            mayConnect = entry.MayConnect;
            return true;
        }

        user = null;
        mayConnect = false;
        return false;
    }

    /// <summary>Applies <paramref name="change"/> atomically and returns the entry it replaced.</summary>
    private Entry Update(string name, Func<Entry, Entry> change)
    {
        while (true)
        {
            if (!_users.TryGetValue(name, out var current))
            {
                throw new UserNotFoundException(name);
            }

            // Compare-and-swap on the entry so a concurrent update is never lost.
            if (_users.TryUpdate(name, change(current), current))
            {
                return current;
            }
        }
    }

    /// <summary>One user. <see cref="Chap"/> is set with <see cref="Hash"/> (null while the user has no password).</summary>
    private sealed record Entry(SessionUser User, PasswordHash? Hash, bool MayConnect)
    {
        public byte[]? Chap { get; init; }
    }
}
