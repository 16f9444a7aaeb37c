namespace SessionKit;

/// <summary>What an <c>on_auth</c> trigger receives.</summary>
/// <remarks>
/// The trigger runs before the user switch, as the pre-authentication user (both session and effective user; no admin
/// elevation), with the sync of the authentication request.
/// <para><c>default(AuthTriggerContext)</c> comes from no trigger run: its strings are empty and its sessions <see langword="null"/>; every member still answers.</para>
/// </remarks>
public readonly struct AuthTriggerContext
{
    private readonly string? _userName;

    /// <summary>Initializes a new instance of the <see cref="AuthTriggerContext"/> struct.</summary>
    /// <param name="session">The session.</param>
    /// <param name="userName">The user name as the client sent it.</param>
    /// <param name="succeeded">Whether the credentials were valid.</param>
    /// <param name="cancellationToken">The caller's token, or the manager's shutdown token.</param>
    public AuthTriggerContext(Session session, string userName, bool succeeded, CancellationToken cancellationToken)
    {
        Session = session;
        _userName = userName;
        Succeeded = succeeded;
        CancellationToken = cancellationToken;
    }

    /// <summary>Gets the session that authenticates.</summary>
    public Session Session { get; }

    /// <summary>Gets the user name as the client sent it (it may name no user); empty for <c>default</c>.</summary>
    public string UserName => _userName ?? string.Empty;

    /// <summary>Gets a value indicating whether the credentials were valid.</summary>
    public bool Succeeded { get; }

    /// <summary>Gets the token that cancels the trigger.</summary>
    public CancellationToken CancellationToken { get; }
}
