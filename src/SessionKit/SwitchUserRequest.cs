namespace SessionKit;

/// <summary>What <see cref="SessionManagerOptions.SwitchUserPolicy"/> decides on: who asks to become whom.</summary>
/// <remarks><c>default(SwitchUserRequest)</c> is a guest asking for no user (an empty name); every policy should refuse it, and <see cref="AdminOnly"/> does.</remarks>
public readonly struct SwitchUserRequest
{
    private readonly SessionUser? _caller;
    private readonly string? _targetName;

    /// <summary>Initializes a new instance of the <see cref="SwitchUserRequest"/> struct.</summary>
    /// <param name="session">The current session, or <see langword="null"/> outside any session.</param>
    /// <param name="caller">The caller (see <see cref="Caller"/>).</param>
    /// <param name="targetName">The user name asked for.</param>
    /// <param name="target">The user asked for, or <see langword="null"/> when no such user exists.</param>
    /// <param name="kind">Which call asks.</param>
    public SwitchUserRequest(Session? session, SessionUser caller, string targetName, SessionUser? target, SwitchUserKind kind)
    {
        Session = session;
        _caller = caller;
        _targetName = targetName;
        Target = target;
        Kind = kind;
    }

    /// <summary>Gets the current session, or <see langword="null"/> outside any session.</summary>
    public Session? Session { get; }

    /// <summary>
    /// Gets the caller: for <see cref="SwitchUserKind.Su"/> the flow's effective user; for
    /// <see cref="SwitchUserKind.ChangeUser"/> the flow's user without any <c>Su</c> grant (the session user in a
    /// request, the trigger's user in a trigger), since a temporary grant must never become permanent.
    /// <see cref="SessionUser.Guest"/> for <c>default</c>.
    /// </summary>
    public SessionUser Caller => _caller ?? SessionUser.Guest;

    /// <summary>Gets the user name asked for; empty for <c>default</c>.</summary>
    public string TargetName => _targetName ?? string.Empty;

    /// <summary>Gets the user asked for, or <see langword="null"/> when no such user exists.</summary>
    public SessionUser? Target { get; }

    /// <summary>Gets which call asks.</summary>
    public SwitchUserKind Kind { get; }

    /// <summary>
    /// The default rule: admin may switch to anyone; anyone may "switch" to themselves. Users are compared by identity,
    /// id and name: admin is the user with id 1 named <c>admin</c>, not any user a directory gave id 1.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <returns><see langword="true"/> when the switch is allowed.</returns>
    public static bool AdminOnly(SwitchUserRequest request) =>
        SameIdentity(request.Caller, SessionUser.Admin) || SameIdentity(request.Target, request.Caller);

    // Ids alone are not identities: a directory may (wrongly) give a reserved id to another name.
    private static bool SameIdentity(SessionUser? a, SessionUser? b) =>
        a is not null && b is not null && a.Id == b.Id && string.Equals(a.Name, b.Name, StringComparison.Ordinal);
}
