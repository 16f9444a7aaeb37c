namespace SessionKit;

/// <summary>What an <c>on_session_closing</c> trigger receives (Prosody's <c>pre-session-close</c>): it may rewrite <see cref="Reason"/>.</summary>
public sealed class SessionClosingContext
{
    private SessionCloseReason _reason;

    internal SessionClosingContext(Session session, SessionCloseReason reason, CancellationToken cancellationToken)
    {
        Session = session;
        _reason = reason;
        CancellationToken = cancellationToken;
    }

    /// <summary>Gets the session being closed.</summary>
    public Session Session { get; }

    /// <summary>Gets or sets the reason the client is told and the unbind reports.</summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public SessionCloseReason Reason
    {
        get => _reason;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _reason = value;
        }
    }

    /// <summary>Gets the token that cancels the trigger.</summary>
    public CancellationToken CancellationToken { get; }
}
