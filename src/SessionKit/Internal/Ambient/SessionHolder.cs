namespace SessionKit.Internal;

/// <summary>
/// What an ambient context points at instead of the session itself (the holder pattern): destroy clears
/// <see cref="Session"/>, so a task that outlives its request sees no session and cannot keep the session alive.
/// </summary>
/// <remarks>
/// <see cref="User"/> is the session user. It lives here, not on the session, so that a task which outlives its
/// destroyed session still reads the user it ran as and never silently becomes the background user (admin).
/// <see cref="User"/> is written under <see cref="UserLock"/> and read without it (volatile); the session is detached
/// once, at destroy.
/// </remarks>
internal sealed class SessionHolder
{
    private volatile Session? _session;
    private volatile SessionUser _user;

    public SessionHolder(Session session, SessionUser user)
    {
        _session = session;
        _user = user;
    }

    public Session? Session => _session;

    public SessionUser User
    {
        get => _user;
        set => _user = value;
    }

    /// <summary>
    /// Gets the session's user lock (the holder's own monitor, so that an idle session carries no lock object). It
    /// guards: <see cref="User"/>, the session's membership in the user index, and the step of destroy that removes the
    /// session from that index; so a user change and a destroy are ordered, and a destroyed session is never re-indexed.
    /// Taken before the user index's per-user lock, never after it.
    /// </summary>
    public object UserLock => this;

    public void Detach() => _session = null;
}
