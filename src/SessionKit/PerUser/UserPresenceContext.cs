namespace SessionKit;

/// <summary>What <c>on_user_online</c> (a user's first session arrived) and <c>on_user_offline</c> (the last one left) triggers receive.</summary>
/// <remarks><c>default(UserPresenceContext)</c> comes from no trigger run: its strings are empty and its sessions <see langword="null"/>; every member still answers.</remarks>
public readonly struct UserPresenceContext
{
    private readonly string? _userName;

    /// <summary>Initializes a new instance of the <see cref="UserPresenceContext"/> struct.</summary>
    /// <param name="userName">The user.</param>
    /// <param name="host">The host, or <see langword="null"/>.</param>
    /// <param name="session">The session that arrived or left.</param>
    /// <param name="cancellationToken">The token that cancels the trigger.</param>
    public UserPresenceContext(string userName, string? host, Session session, CancellationToken cancellationToken)
    {
        _userName = userName;
        Host = host;
        Session = session;
        CancellationToken = cancellationToken;
    }

    /// <summary>Gets the user; empty for <c>default</c>.</summary>
    public string UserName => _userName ?? string.Empty;

    /// <summary>Gets the host, or <see langword="null"/>.</summary>
    public string? Host { get; }

    /// <summary>Gets the session that arrived or left.</summary>
    public Session Session { get; }

    /// <summary>Gets the token that cancels the trigger.</summary>
    public CancellationToken CancellationToken { get; }
}
