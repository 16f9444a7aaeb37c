namespace SessionKit;

/// <summary>What <c>on_session_evicted</c> triggers receive: a session closed to make room under <see cref="SessionLimitPolicy.EvictOldest"/>.</summary>
/// <remarks><c>default(SessionEvictedContext)</c> comes from no trigger run: its strings are empty and its sessions <see langword="null"/>; every member still answers.</remarks>
public readonly struct SessionEvictedContext
{
    /// <summary>Initializes a new instance of the <see cref="SessionEvictedContext"/> struct.</summary>
    /// <param name="evicted">The session closed.</param>
    /// <param name="newcomer">The session that took its place.</param>
    /// <param name="cancellationToken">The token that cancels the trigger.</param>
    public SessionEvictedContext(Session evicted, Session newcomer, CancellationToken cancellationToken)
    {
        Evicted = evicted;
        Newcomer = newcomer;
        CancellationToken = cancellationToken;
    }

    /// <summary>Gets the session closed.</summary>
    public Session Evicted { get; }

    /// <summary>Gets the session that took its place.</summary>
    public Session Newcomer { get; }

    /// <summary>Gets the token that cancels the trigger.</summary>
    public CancellationToken CancellationToken { get; }
}
