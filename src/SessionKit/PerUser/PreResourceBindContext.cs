namespace SessionKit;

/// <summary>
/// What an <c>on_pre_resource_bind</c> trigger receives (Prosody's <c>pre-resource-bind</c>): it may rewrite
/// <see cref="Resource"/> or <see cref="Veto"/> the bind.
/// </summary>
/// <remarks>Mutable, unlike the other trigger contexts, because rewriting and vetoing are its purpose. One instance per bind.</remarks>
public sealed class PreResourceBindContext
{
    private string _resource;

    internal PreResourceBindContext(Session session, string resource, CancellationToken cancellationToken)
    {
        Session = session;
        _resource = resource;
        CancellationToken = cancellationToken;
    }

    /// <summary>Gets the session that binds.</summary>
    public Session Session { get; }

    /// <summary>Gets or sets the resource to bind; a trigger may rewrite it (validated like any resource).</summary>
    /// <exception cref="ArgumentException">The value is empty, whitespace, longer than <see cref="SessionManagerOptions.MaxResourceLength"/> (256 by default), or has control characters or lone surrogates.</exception>
    public string Resource
    {
        get => _resource;
        set
        {
            Session.Manager.Limits.Resource(value, nameof(value));
            _resource = value;
        }
    }

    /// <summary>Gets the token that cancels the trigger.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Gets the error the bind fails with, once a trigger vetoed it.</summary>
    public ResourceBindException? VetoError { get; private set; }

    /// <summary>Vetoes the bind. Later triggers still run; the bind then fails with <paramref name="error"/>, or <c>cancel / not-allowed</c>.</summary>
    /// <param name="error">The error to fail with; <see langword="null"/> for <c>cancel / not-allowed</c>.</param>
    public void Veto(ResourceBindException? error = null) =>
        VetoError = error ?? new ResourceBindException("cancel", "not-allowed", "Resource binding was refused");
}
