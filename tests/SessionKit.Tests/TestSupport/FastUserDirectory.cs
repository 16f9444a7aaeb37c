using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace SessionKit.Tests.TestSupport;

/// <summary>
/// A user directory without key derivation, for tests that authenticate thousands of times. Behaves like
/// <see cref="InMemoryUserDirectory"/> otherwise: guest (0) and admin (1) exist, added users get ids from 32.
/// </summary>
public sealed class FastUserDirectory : IUserDirectory
{
    private readonly ConcurrentDictionary<string, (SessionUser User, string Password, bool MayConnect)> _users = new(StringComparer.Ordinal);
    private long _lastId = 31;

    public FastUserDirectory()
    {
        _users["guest"] = (SessionUser.Guest, string.Empty, true);
        _users["admin"] = (SessionUser.Admin, "admin", true);
    }

    public SessionUser Add(string name, string password = "secret", bool mayConnect = true)
    {
        var user = new SessionUser((ulong)Interlocked.Increment(ref _lastId), name);
        _users[name] = (user, password, mayConnect);
        return user;
    }

    public void SetMayConnect(string name, bool mayConnect) => _users[name] = _users[name] with { MayConnect = mayConnect };

    public bool TryFindUser(string name, [NotNullWhen(true)] out SessionUser? user)
    {
        if (_users.TryGetValue(name, out var entry))
        {
            user = entry.User;
            return true;
        }

        user = null;
        return false;
    }

    public ValueTask<SessionUser?> VerifyAsync(string name, string password, CancellationToken cancellationToken = default) =>
        new(_users.TryGetValue(name, out var entry) && entry.Password == password ? entry.User : null);

    public bool MayConnect(SessionUser user) => _users.TryGetValue(user.Name, out var entry) && entry.MayConnect;
}
