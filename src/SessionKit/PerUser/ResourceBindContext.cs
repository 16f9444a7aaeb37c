namespace SessionKit;

/// <summary>What <c>on_resource_bind</c> and <c>on_resource_unbind</c> triggers receive.</summary>
/// <remarks><c>default(ResourceBindContext)</c> comes from no trigger run: its strings are empty and its sessions <see langword="null"/>; every member still answers.</remarks>
public readonly struct ResourceBindContext
{
    private readonly string? _resource;

    /// <summary>Initializes a new instance of the <see cref="ResourceBindContext"/> struct.</summary>
    /// <param name="session">The session.</param>
    /// <param name="resource">The resource bound or released.</param>
    /// <param name="reason">For an unbind: why the session was closed, or <see langword="null"/> when the client hung up or the user changed.</param>
    /// <param name="cancellationToken">The token that cancels the trigger.</param>
    public ResourceBindContext(Session session, string resource, SessionCloseReason? reason, CancellationToken cancellationToken)
    {
        Session = session;
        _resource = resource;
        Reason = reason;
        CancellationToken = cancellationToken;
    }

    /// <summary>Gets the session.</summary>
    public Session Session { get; }

    /// <summary>Gets the resource bound or released; empty for <c>default</c>.</summary>
    public string Resource => _resource ?? string.Empty;

    /// <summary>Gets why the session was closed (unbind only), or <see langword="null"/>.</summary>
    public SessionCloseReason? Reason { get; }

    /// <summary>Gets the token that cancels the trigger.</summary>
    public CancellationToken CancellationToken { get; }
}
