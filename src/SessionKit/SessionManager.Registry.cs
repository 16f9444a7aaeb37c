using System.Diagnostics.CodeAnalysis;
using SessionKit.Internal;

namespace SessionKit;

public sealed partial class SessionManager
{
    /// <summary>Gets the number of registered sessions (open or closed, not yet destroyed). O(1).</summary>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public int Count
    {
        get
        {
            ThrowIfDisposed();
            return (int)Volatile.Read(ref _count.Value);
        }
    }

    /// <summary>Tells whether a session is registered (Tarantool's <c>box.session.exists(id)</c>).</summary>
    /// <param name="id">The session id; 0 is never a session.</param>
    /// <returns><see langword="true"/> from connect until destroy, including during <c>on_disconnect</c> and while requests of a closed session still run.</returns>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public bool Exists(ulong id)
    {
        ThrowIfDisposed();
        return id != 0 && _sessions.ContainsKey(id);
    }

    /// <summary>Looks up a registered session.</summary>
    /// <param name="id">The session id.</param>
    /// <param name="session">The session when registered.</param>
    /// <returns><see langword="true"/> when the session is registered.</returns>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public bool TryGetSession(ulong id, [NotNullWhen(true)] out Session? session)
    {
        ThrowIfDisposed();
        return _sessions.TryGetValue(id, out session);
    }

    /// <summary>Gets a registered session.</summary>
    /// <param name="id">The session id.</param>
    /// <returns>The session.</returns>
    /// <exception cref="SessionNotFoundException">No session with that id is registered.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public Session GetSession(ulong id)
    {
        ThrowIfDisposed();
        return _sessions.TryGetValue(id, out var session)
            ? session
            : throw new SessionNotFoundException(id, $"Session {id} does not exist.");
    }

    /// <summary>Gets a snapshot of the registered sessions, ordered by id.</summary>
    /// <returns>The sessions at the time of the call.</returns>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public IReadOnlyList<Session> GetSessions()
    {
        ThrowIfDisposed();
        var sessions = _sessions.Values.ToArray();
        Array.Sort(sessions, static (a, b) => a.Id.CompareTo(b.Id));
        return sessions;
    }

    /// <summary>Gets the peer of a registered session (Tarantool's <c>box.session.peer(id)</c>).</summary>
    /// <param name="id">The session id.</param>
    /// <returns>The peer captured at connect, or <see langword="null"/> when the session has no network peer.</returns>
    /// <exception cref="SessionNotFoundException">No session with that id is registered (<c>session.peer(): session does not exist</c>).</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public string? Peer(ulong id)
    {
        ThrowIfDisposed();
        return _sessions.TryGetValue(id, out var session)
            ? session.Peer
            : throw new SessionNotFoundException(id, "session.peer(): session does not exist");
    }

    /// <summary>Gets a snapshot of a user's sessions, oldest first, in O(k) for k sessions of that user.</summary>
    /// <param name="user">The user name.</param>
    /// <param name="host">The host the sessions connected to; <see langword="null"/> for sessions without a host.</param>
    /// <returns>The user's registered sessions. Guest (unauthenticated) sessions are not indexed: <c>SessionsOf("guest")</c> is empty.</returns>
    /// <exception cref="ArgumentException"><paramref name="user"/> or <paramref name="host"/> is not a valid name.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public IReadOnlyList<Session> SessionsOf(string user, string? host = null)
    {
        _limits.User(user, nameof(user));
        if (host is not null)
        {
            _limits.Host(host, nameof(host));
        }

        ThrowIfDisposed();
        return _index.SessionsOf(user, host);
    }

    /// <summary>Tells whether a user has at least one registered session ("online").</summary>
    /// <param name="user">The user name.</param>
    /// <param name="host">The host; <see langword="null"/> for sessions without a host.</param>
    /// <returns><see langword="true"/> when the user has a session.</returns>
    /// <exception cref="ArgumentException"><paramref name="user"/> or <paramref name="host"/> is not a valid name.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public bool IsOnline(string user, string? host = null)
    {
        _limits.User(user, nameof(user));
        if (host is not null)
        {
            _limits.Host(host, nameof(host));
        }

        ThrowIfDisposed();
        return _index.CountOf(user, host) > 0;
    }

    /// <summary>
    /// Gets the storage shared by all of a user's sessions (Prosody's user entry): created with the user's first
    /// session, dropped with the last.
    /// </summary>
    /// <param name="user">The user name.</param>
    /// <param name="host">The host; <see langword="null"/> for sessions without a host.</param>
    /// <returns>The shared storage, or <see langword="null"/> when the user has no session.</returns>
    /// <exception cref="ArgumentException"><paramref name="user"/> or <paramref name="host"/> is not a valid name.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public SessionStorage? UserStorage(string user, string? host = null)
    {
        _limits.User(user, nameof(user));
        if (host is not null)
        {
            _limits.Host(host, nameof(host));
        }

        ThrowIfDisposed();
        return _index.SharedStorageOf(user, host);
    }

    /// <summary>Gets the open sessions whose session user is <paramref name="user"/> (same id and name), in no order.</summary>
    internal List<Session> SessionsRunningAs(SessionUser user)
    {
        var found = new List<Session>();
        foreach (var session in _sessions.Values)
        {
            var current = session.User;
            if (!session.IsClosed && current.Id == user.Id && string.Equals(current.Name, user.Name, StringComparison.Ordinal))
            {
                found.Add(session);
            }
        }

        return found;
    }
}
