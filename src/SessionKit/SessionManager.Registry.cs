using System.Diagnostics.CodeAnalysis;

namespace SessionKit;

/// <content>Registry lookups: count, existence, sessions by id, the listing, a session's peer.</content>
public sealed partial class SessionManager
{
    /// <summary>Gets the number of registered sessions (open or closed, not yet destroyed). O(1).</summary>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public int Count
    {
        get
        {
            _lifetime.ThrowIfDisposed();
            return _registry.Count;
        }
    }

    /// <summary>Tells whether a session is registered (Tarantool's <c>box.session.exists(id)</c>).</summary>
    /// <param name="id">The session id; 0 is never a session.</param>
    /// <returns><see langword="true"/> from connect until destroy, including during <c>on_disconnect</c> and while requests of a closed session still run.</returns>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public bool Exists(ulong id)
    {
        _lifetime.ThrowIfDisposed();
        return _registry.Contains(id);
    }

    /// <summary>Looks up a registered session.</summary>
    /// <param name="id">The session id.</param>
    /// <param name="session">The session when registered.</param>
    /// <returns><see langword="true"/> when the session is registered.</returns>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public bool TryGetSession(ulong id, [NotNullWhen(true)] out Session? session)
    {
        _lifetime.ThrowIfDisposed();
        return _registry.TryGet(id, out session);
    }

    /// <summary>Gets a registered session.</summary>
    /// <param name="id">The session id.</param>
    /// <returns>The session.</returns>
    /// <exception cref="SessionNotFoundException">No session with that id is registered.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public Session GetSession(ulong id)
    {
        _lifetime.ThrowIfDisposed();
        return _registry.TryGet(id, out var session)
            ? session
            : throw new SessionNotFoundException(id, $"Session {id} does not exist.");
    }

    /// <summary>Gets a snapshot of the registered sessions, ordered by id.</summary>
    /// <returns>The sessions at the time of the call.</returns>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public IReadOnlyList<Session> GetSessions()
    {
        _lifetime.ThrowIfDisposed();
        return _registry.Snapshot();
    }

    /// <summary>Gets the peer of a registered session (Tarantool's <c>box.session.peer(id)</c>).</summary>
    /// <param name="id">The session id.</param>
    /// <returns>The peer captured at connect, or <see langword="null"/> when the session has no network peer.</returns>
    /// <exception cref="SessionNotFoundException">No session with that id is registered (<c>session.peer(): session does not exist</c>).</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public string? Peer(ulong id)
    {
        _lifetime.ThrowIfDisposed();
        return _registry.TryGet(id, out var session)
            ? session.Peer
            : throw new SessionNotFoundException(id, "session.peer(): session does not exist");
    }
}
