namespace SessionKit;

/// <summary>One row of <see cref="SessionAdministration.ListSessions"/>: what an administrator sees of a session.</summary>
/// <param name="Id">The session id.</param>
/// <param name="User">The session user.</param>
/// <param name="Host">The host, or <see langword="null"/>.</param>
/// <param name="Resource">The bound resource, or <see langword="null"/>.</param>
/// <param name="Type">The session type.</param>
/// <param name="Peer">The peer address, or <see langword="null"/>.</param>
/// <param name="ConnectedAt">When the session connected.</param>
/// <param name="State">The lifecycle state.</param>
/// <param name="IsAvailable">Whether the session is available.</param>
/// <param name="Priority">The presence priority.</param>
public sealed record SessionInfo(
    ulong Id,
    string User,
    string? Host,
    string? Resource,
    SessionType Type,
    string? Peer,
    DateTimeOffset ConnectedAt,
    SessionState State,
    bool IsAvailable,
    int Priority);
