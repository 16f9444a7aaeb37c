namespace SessionKit;

/// <summary>What <c>on_resource_bind</c> and <c>on_resource_unbind</c> triggers receive.</summary>
public readonly struct ResourceBindContext
{
    /// <summary>Initializes a new instance of the <see cref="ResourceBindContext"/> struct.</summary>
    /// <param name="session">The session.</param>
    /// <param name="resource">The resource bound or released.</param>
    /// <param name="reason">For an unbind: why the session was closed, or <see langword="null"/> when the client hung up or the user changed.</param>
    /// <param name="cancellationToken">The token that cancels the trigger.</param>
    public ResourceBindContext(Session session, string resource, SessionCloseReason? reason, CancellationToken cancellationToken)
    {
        Session = session;
        Resource = resource;
        Reason = reason;
        CancellationToken = cancellationToken;
    }

    /// <summary>Gets the session.</summary>
    public Session Session { get; }

    /// <summary>Gets the resource bound or released.</summary>
    public string Resource { get; }

    /// <summary>Gets why the session was closed (unbind only), or <see langword="null"/>.</summary>
    public SessionCloseReason? Reason { get; }

    /// <summary>Gets the token that cancels the trigger.</summary>
    public CancellationToken CancellationToken { get; }
}
