namespace SessionKit;

/// <summary>What an <c>on_connect</c> or <c>on_disconnect</c> trigger receives.</summary>
/// <remarks>Inside the trigger <see cref="SessionManager.Current"/> is the same session, the sync is 0 and the effective user is admin.</remarks>
/// <remarks><c>default(SessionTriggerContext)</c> comes from no trigger run: its strings are empty and its sessions <see langword="null"/>; every member still answers.</remarks>
public readonly struct SessionTriggerContext
{
    /// <summary>Initializes a new instance of the <see cref="SessionTriggerContext"/> struct without a close reason (as <c>on_connect</c> gets it).</summary>
    /// <param name="session">The session.</param>
    /// <param name="cancellationToken">The caller's token, or the manager's shutdown token.</param>
    public SessionTriggerContext(Session session, CancellationToken cancellationToken)
    {
        Session = session;
        CancellationToken = cancellationToken;
    }

    /// <summary>Initializes a new instance of the <see cref="SessionTriggerContext"/> struct with why the session closed (as <c>on_disconnect</c> gets it).</summary>
    /// <param name="session">The session.</param>
    /// <param name="reason">Why the session closed.</param>
    /// <param name="transportException">The transport's failure the host reported, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The caller's token, or the manager's shutdown token.</param>
    public SessionTriggerContext(Session session, SessionCloseReason? reason, Exception? transportException, CancellationToken cancellationToken)
    {
        Session = session;
        Reason = reason;
        TransportException = transportException;
        CancellationToken = cancellationToken;
    }

    /// <summary>Gets the session that connected or disconnected.</summary>
    public Session Session { get; }

    /// <summary>Gets why the session closed; <see langword="null"/> in <c>on_connect</c>.</summary>
    /// <value>
    /// In <c>on_disconnect</c>, never <see langword="null"/>, and the first that applies of:
    /// <list type="number">
    /// <item>the reason of a server-side close (<see cref="Session.CloseAsync"/>, a kick, a replacement
    /// (<see cref="SessionCloseReason.Replaced"/>), an eviction, an idle or authentication timeout, a slow consumer,
    /// an account change, shutdown (<see cref="SessionCloseReason.SystemShutdown"/>)) as <c>on_session_closing</c> left it,
    /// once the client was told it, even when the host's own disconnect then won the race;</item>
    /// <item>the reason the host passed to <see cref="SessionManager.DisconnectAsync(Session, SessionCloseReason?, Exception?, CancellationToken)"/>;</item>
    /// <item><see cref="SessionCloseReason.ClientDisconnected"/>: nobody gave a reason, usually because the client hung up
    /// (also a session closed because its <c>on_connect</c> or <c>on_auth</c> trigger failed: the caller got that exception).</item>
    /// </list>
    /// </value>
    public SessionCloseReason? Reason { get; }

    /// <summary>Gets the transport's failure the host passed to <see cref="SessionManager.DisconnectAsync(Session, SessionCloseReason?, Exception?, CancellationToken)"/> (as SignalR's <c>OnDisconnectedAsync(Exception?)</c>), or <see langword="null"/>.</summary>
    public Exception? TransportException { get; }

    /// <summary>Gets the token that cancels the trigger: the caller's, or the manager's once its shutdown timeout has passed.</summary>
    public CancellationToken CancellationToken { get; }
}
