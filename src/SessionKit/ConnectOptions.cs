using System.Net;

namespace SessionKit;

/// <summary>What <see cref="SessionManager.ConnectAsync(ConnectOptions, CancellationToken)"/> creates a session from.</summary>
public sealed class ConnectOptions
{
    /// <summary>Gets or sets the session type.</summary>
    /// <value><see cref="SessionType.Binary"/>.</value>
    public SessionType Type { get; set; } = SessionType.Binary;

    /// <summary>Gets or sets the client's address, captured as the session's <see cref="Session.Peer"/>.</summary>
    /// <value><see langword="null"/>: no network peer.</value>
    public EndPoint? Peer { get; set; }

    /// <summary>
    /// Gets or sets a pre-authenticated user (Tarantool 3's <c>box.session.new{user=}</c>): the session starts as this
    /// user without <c>on_auth</c>. The user must exist and be allowed to connect.
    /// </summary>
    /// <value><see langword="null"/>: the session starts as guest.</value>
    public string? User { get; set; }

    /// <summary>
    /// Gets or sets a user the host authenticated itself (a cookie, a JWT, a client certificate, an external identity
    /// provider): the session starts as this user without <c>on_auth</c> and without asking the
    /// <see cref="IUserDirectory"/>, which need not know the user. The per-user session limit
    /// (<see cref="SessionManagerOptions.MaxSessionsPerUser"/> and its policy) applies at connect, and resources bound
    /// later follow <see cref="SessionManagerOptions.ResourceConflictPolicy"/>, as for any user.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Users are compared by <see cref="SessionUser.Id"/>: give each external user an id of its own that no directory
    /// user has. Ids 0 and 1 and the names <c>guest</c> and <c>admin</c> are reserved: a user holding one of them
    /// without the other is refused with <see cref="AccessDeniedException"/>. <see cref="SessionUser.Guest"/> connects
    /// a guest session, as <see langword="null"/> does.
    /// </para>
    /// <para>Exclusive with <see cref="User"/>. The directory's account events still close the user's sessions by name.</para>
    /// </remarks>
    /// <value><see langword="null"/>: the session starts as guest, or as <see cref="User"/>.</value>
    public SessionUser? AuthenticatedUser { get; set; }

    /// <summary>Gets or sets the host or tenant name (Prosody's <c>host</c>); the user index is kept per host.</summary>
    /// <value><see langword="null"/>: no host.</value>
    public string? Host { get; set; }

    /// <summary>Gets or sets the host's side of the connection, used by <see cref="Session.SendAsync"/> and <see cref="Session.CloseAsync"/>.</summary>
    /// <value><see langword="null"/>: the session cannot be sent to, and closing it only disconnects it.</value>
    public ISessionConnection? Connection { get; set; }
}
