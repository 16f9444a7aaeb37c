namespace SessionKit;

/// <summary>What an <c>on_connect</c> or <c>on_disconnect</c> trigger receives.</summary>
/// <remarks>Inside the trigger <see cref="SessionManager.Current"/> is the same session, the sync is 0 and the effective user is admin.</remarks>
/// <remarks><c>default(SessionTriggerContext)</c> comes from no trigger run: its strings are empty and its sessions <see langword="null"/>; every member still answers.</remarks>
public readonly struct SessionTriggerContext
{
    /// <summary>Initializes a new instance of the <see cref="SessionTriggerContext"/> struct.</summary>
    /// <param name="session">The session.</param>
    /// <param name="cancellationToken">The caller's token, or the manager's shutdown token.</param>
    public SessionTriggerContext(Session session, CancellationToken cancellationToken)
    {
        Session = session;
        CancellationToken = cancellationToken;
    }

    /// <summary>Gets the session that connected or disconnected.</summary>
    public Session Session { get; }

    /// <summary>Gets the token that cancels the trigger: the caller's, or the manager's once its shutdown timeout has passed.</summary>
    public CancellationToken CancellationToken { get; }
}
