using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace SessionKit.Tests.TestSupport;

/// <summary>
/// A custom <see cref="IObservableUserDirectory"/> without key derivation: shows that a directory other than the
/// embedded one takes part in account changes, and lets a test hold a verification at a gate.
/// </summary>
public sealed class ObservableTestDirectory : IObservableUserDirectory
{
    private readonly ConcurrentDictionary<string, (SessionUser User, string Password, bool MayConnect)> _users = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _verifyStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastId = 31;

    public ObservableTestDirectory()
    {
        _users["guest"] = (SessionUser.Guest, string.Empty, true);
        _users["admin"] = (SessionUser.Admin, "admin", true);
    }

    public event EventHandler<UserChangedEventArgs>? UserChanging;

    public event EventHandler<UserChangedEventArgs>? UserChanged;

    /// <summary>Gets or sets a task every verification waits for after finding the user and before answering.</summary>
    public Task? VerifyGate { get; set; }

    /// <summary>Gets a task that completes when a verification has looked its user up and reached <see cref="VerifyGate"/>.</summary>
    public Task VerifyStarted => _verifyStarted.Task;

    /// <summary>Gets how many handlers are subscribed to <see cref="UserChanged"/>.</summary>
    public int Subscribers => UserChanged?.GetInvocationList().Length ?? 0;

    public SessionUser Add(string name, string password = "secret")
    {
        var user = new SessionUser((ulong)Interlocked.Increment(ref _lastId), name);
        _users[name] = (user, password, true);
        return user;
    }

    public bool Remove(string name)
    {
        if (!_users.TryGetValue(name, out var entry))
        {
            return false;
        }

        UserChanging?.Invoke(this, new UserChangedEventArgs(entry.User, UserChangeKind.Removed));
        if (!_users.TryRemove(name, out var removed))
        {
            return false;
        }

        UserChanged?.Invoke(this, new UserChangedEventArgs(removed.User, UserChangeKind.Removed));
        return true;
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

    public async ValueTask<SessionUser?> VerifyAsync(string name, string password, CancellationToken cancellationToken = default)
    {
        var found = _users.TryGetValue(name, out var entry) && entry.Password == password ? entry.User : null;
        if (VerifyGate is { } gate)
        {
            _verifyStarted.TrySetResult();
            await gate.WaitAsync(cancellationToken);
        }

        return found;
    }

    public bool MayConnect(SessionUser user) => _users.TryGetValue(user.Name, out var entry) && entry.MayConnect;
}
