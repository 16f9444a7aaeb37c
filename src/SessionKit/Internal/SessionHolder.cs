namespace SessionKit.Internal;

/// <summary>
/// What an ambient context points at instead of the session itself (the holder pattern): destroy clears
/// <see cref="Session"/>, so a task that outlives its request sees no session and cannot keep the session alive.
/// </summary>
/// <remarks>
/// <see cref="User"/> is the session user. It lives here, not on the session, so that a task which outlives its
/// destroyed session still reads the user it ran as and never silently becomes the background user (admin).
/// Both fields are written under the session's lock and read without it (volatile).
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

    public void Detach() => _session = null;
}
