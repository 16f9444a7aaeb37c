namespace SessionKit;

/// <summary>What an <c>on_connect</c> or <c>on_disconnect</c> trigger receives.</summary>
/// <remarks>Inside the trigger <see cref="SessionManager.Current"/> is the same session, the sync is 0 and the effective user is admin.</remarks>
/// <remarks><c>default(SessionTriggerContext)</c> comes from no trigger run: its strings are empty and its sessions <see langword="null"/>; every member still answers.</remarks>
public readonly struct SessionTriggerContext
{
    // Two references (16 bytes), so the context passes in registers through every trigger call of a run: the close
    // reason and the transport exception are read from the session, which keeps them from the close on, rather than
    // copied in (a 32-byte context cost the trigger runner about 2 ns per run, 7 December 2026).

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

    /// <summary>Gets why the session closed; <see langword="null"/> while it is open (so in <c>on_connect</c>, unless a close came meanwhile).</summary>
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
    public SessionCloseReason? Reason =>
        Session is { IsClosed: true } session ? session.ExtrasOrNull?.CloseReason ?? SessionCloseReason.ClientDisconnected : null;

    /// <summary>Gets the transport's failure the host passed to <see cref="SessionManager.DisconnectAsync(Session, SessionCloseReason?, Exception?, CancellationToken)"/> (as SignalR's <c>OnDisconnectedAsync(Exception?)</c>), or <see langword="null"/>.</summary>
    public Exception? TransportException => Session is { IsClosed: true } session ? session.ExtrasOrNull?.TransportException : null;

    /// <summary>Gets the token that cancels the trigger: the caller's, or the manager's once its shutdown timeout has passed.</summary>
    public CancellationToken CancellationToken { get; }
}
