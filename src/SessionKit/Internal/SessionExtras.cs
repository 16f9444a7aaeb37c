namespace SessionKit.Internal;

/// <summary>
/// Per-session state most sessions never need, kept out of <see cref="Session"/> so an idle session stays small.
/// </summary>
internal sealed class SessionExtras
{
    /// <summary>Gets or sets the context triggers of <c>on_connect</c> and <c>on_disconnect</c> run in (sync 0, effective user admin); built once per session.</summary>
    public AmbientContext? SystemContext { get; set; }

    /// <summary>Gets or sets the logging scope state for this session, built once when logging is enabled.</summary>
    public SessionLogScope? LogScope { get; set; }

    /// <summary>Gets or sets why the server closed the session, or <see langword="null"/> when the client hung up.</summary>
    public SessionCloseReason? CloseReason { get; set; }

    /// <summary>Gets or sets the timer that closes the session if it stays unauthenticated too long.</summary>
    public ITimer? AuthenticationTimer { get; set; }
}
