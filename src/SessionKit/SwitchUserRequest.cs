namespace SessionKit;

/// <summary>What <see cref="SessionOptions.SwitchUserPolicy"/> decides on: who asks to become whom.</summary>
/// <remarks><c>default(SwitchUserRequest)</c> is a guest asking for no user (an empty name); every policy should refuse it, and <see cref="AdminOnly"/> does.</remarks>
public readonly struct SwitchUserRequest
{
    private readonly SessionUser? _caller;
    private readonly string? _targetName;

    /// <summary>Initializes a new instance of the <see cref="SwitchUserRequest"/> struct.</summary>
    /// <param name="session">The current session, or <see langword="null"/> outside any session.</param>
    /// <param name="caller">The caller's effective user.</param>
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

    /// <summary>Gets the caller's effective user; <see cref="SessionUser.Guest"/> for <c>default</c>.</summary>
    public SessionUser Caller => _caller ?? SessionUser.Guest;

    /// <summary>Gets the user name asked for; empty for <c>default</c>.</summary>
    public string TargetName => _targetName ?? string.Empty;

    /// <summary>Gets the user asked for, or <see langword="null"/> when no such user exists.</summary>
    public SessionUser? Target { get; }

    /// <summary>Gets which call asks.</summary>
    public SwitchUserKind Kind { get; }

    /// <summary>The default rule: an effective admin may switch to anyone; anyone may "switch" to themselves.</summary>
    /// <param name="request">The request.</param>
    /// <returns><see langword="true"/> when the switch is allowed.</returns>
    public static bool AdminOnly(SwitchUserRequest request) =>
        request.Caller.Id == SessionUser.Admin.Id || (request.Target is not null && request.Target.Id == request.Caller.Id);
}
