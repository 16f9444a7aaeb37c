namespace SessionKit.Internal;

/// <summary>
/// The manager a container built, once it built one: the factory sets it, the lifecycle service reads it. Registered
/// per provider (by type, not as an instance), so two providers built from one service collection never share it.
/// </summary>
internal sealed class SessionManagerSlot
{
    private SessionManager? _manager;

    /// <summary>Gets the manager, or <see langword="null"/> while nothing has resolved it.</summary>
    public SessionManager? Manager => Volatile.Read(ref _manager);

    /// <summary>Records the manager the factory built.</summary>
    public void Set(SessionManager manager) => Volatile.Write(ref _manager, manager);
}
