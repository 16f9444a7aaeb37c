using Microsoft.Extensions.Logging;

namespace SessionKit.Internal;

/// <summary>
/// Listens to an <see cref="IObservableUserDirectory"/> for one manager: refuses to remove the user of the caller's
/// current session (Tarantool's rule) and closes the sessions of a removed, disabled or re-passworded user (Prosody's).
/// </summary>
/// <remarks>
/// The race with an authentication is closed by order, not by a lock: the directory changes first and this watcher
/// then scans the registry, while an authentication labels its session first and then asks the directory again
/// (<see cref="EnsureStands"/>). Whichever comes second sees the other, so no session keeps running as a user the
/// directory no longer has.
/// </remarks>
internal sealed class AccountWatcher : IDisposable
{
    private readonly AmbientSlot _ambient;
    private readonly SessionRegistry _registry;
    private readonly SessionCloser _closer;
    private readonly IObservableUserDirectory _directory;
    private readonly UserChangeClosePolicy _policy;
    private readonly ILogger _logger;
    private int _disposed;

    public AccountWatcher(AmbientSlot ambient, SessionRegistry registry, SessionCloser closer, IObservableUserDirectory directory, UserChangeClosePolicy policy, ILogger logger)
    {
        _ambient = ambient;
        _registry = registry;
        _closer = closer;
        _directory = directory;
        _policy = policy;
        _logger = logger;
        directory.UserChanging += OnUserChanging;
        directory.UserChanged += OnUserChanged;
    }

    /// <summary>
    /// Called after <paramref name="session"/> took <paramref name="user"/>: returns <see langword="false"/> (and closes
    /// the session) when the directory removed or disabled the user meanwhile and the policy closes such sessions.
    /// </summary>
    public bool EnsureStands(Session session, SessionUser user)
    {
        if (user.Id == SessionUser.Guest.Id)
        {
            return true;
        }

        SessionCloseReason reason;
        if (!_directory.TryFindUser(user.Name, out var now) || now.Id != user.Id)
        {
            if ((_policy & UserChangeClosePolicy.Removed) == 0)
            {
                return true;
            }

            reason = SessionCloseReason.AccountDeleted;
        }
        else if (!_directory.MayConnect(now))
        {
            if ((_policy & UserChangeClosePolicy.Disabled) == 0)
            {
                return true;
            }

            reason = SessionCloseReason.AccountDisabled;
        }
        else
        {
            return true;
        }

        _ = CloseAsync(session, reason);
        return false;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _directory.UserChanging -= OnUserChanging;
            _directory.UserChanged -= OnUserChanged;
        }
    }

    private static bool IsSame(SessionUser a, SessionUser b) => a.Id == b.Id && string.Equals(a.Name, b.Name, StringComparison.Ordinal);

    private void OnUserChanging(object? sender, UserChangedEventArgs e)
    {
        var context = _ambient.Current;
        if (e.Kind != UserChangeKind.Removed || context?.Holder?.Session is not { } current)
        {
            return;
        }

        // Tarantool checks both: inside Su('admin', drop 'tester') the session user tester is still active.
        if (IsSame(current.User, e.User) || IsSame(_ambient.EffectiveUserOf(context), e.User))
        {
            throw new InvalidOperationException($"Failed to drop user or role '{Text.Truncate(e.User.Name)}': the user is active in the current session");
        }
    }

    private void OnUserChanged(object? sender, UserChangedEventArgs e)
    {
        var (flag, reason) = e.Kind switch
        {
            UserChangeKind.Removed => (UserChangeClosePolicy.Removed, SessionCloseReason.AccountDeleted),
            UserChangeKind.Disabled => (UserChangeClosePolicy.Disabled, SessionCloseReason.AccountDisabled),
            UserChangeKind.PasswordChanged => (UserChangeClosePolicy.PasswordChanged, SessionCloseReason.PasswordChanged),
            _ => (UserChangeClosePolicy.None, SessionCloseReason.None),
        };

        if ((_policy & flag) == 0 || Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        // The session that changed its own password stays (Prosody); every other session of the user closes.
        var keep = e.Kind == UserChangeKind.PasswordChanged && _ambient.Session is { } current && IsSame(current.User, e.User) ? current : null;
        foreach (var session in _registry.RunningAs(e.User))
        {
            if (!ReferenceEquals(session, keep))
            {
                _ = CloseAsync(session, reason);
            }
        }
    }

    /// <summary>Closes politely (the client is told why); never throws, since nobody awaits it.</summary>
    private async Task CloseAsync(Session session, SessionCloseReason reason)
    {
        try
        {
            _logger.AccountChangeClosing(session.Id, reason.Condition);
            await _closer.CloseAsync(session, reason, TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The manager shut down meanwhile; shutdown closes the session.
        }
        catch (Exception ex)
        {
            _logger.AccountChangeCloseFailed(session.Id, ex);
        }
    }
}
