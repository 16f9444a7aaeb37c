using System.Diagnostics.CodeAnalysis;

namespace SessionKit.Benchmarks.Support;

/// <summary>
/// A user directory whose verifier returns at once (a plain string comparison, completed synchronously), so that a
/// benchmark of <see cref="SessionManager.AuthenticateAsync"/> measures SessionKit and not the password hash.
/// Never use it outside benchmarks: it keeps passwords in clear text and compares them in variable time.
/// </summary>
public sealed class FastUserDirectory : IUserDirectory
{
    private readonly Dictionary<string, (SessionUser User, string Password)> _users = new(StringComparer.Ordinal)
    {
        [SessionUser.Guest.Name] = (SessionUser.Guest, string.Empty),
        [SessionUser.Admin.Name] = (SessionUser.Admin, string.Empty),
    };

    public FastUserDirectory(params string[] users)
    {
        ulong id = 32;
        foreach (var name in users)
        {
            _users[name] = (new SessionUser(id++, name), "secret");
        }
    }

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
        new(_users.TryGetValue(name, out var entry) && string.Equals(entry.Password, password, StringComparison.Ordinal) ? entry.User : null);

    public bool MayConnect(SessionUser user) => true;
}
