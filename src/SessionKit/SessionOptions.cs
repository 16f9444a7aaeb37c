namespace SessionKit;

/// <summary>Settings of a <see cref="SessionManager"/>. Validated when the manager is built.</summary>
public sealed class SessionOptions
{
    /// <summary>The default <see cref="ShutdownTimeout"/>.</summary>
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how long disposing the manager waits for <c>on_disconnect</c> triggers to finish.</summary>
    /// <value>10 seconds. Must be positive, or <see cref="Timeout.InfiniteTimeSpan"/>.</value>
    public TimeSpan ShutdownTimeout { get; set; } = DefaultShutdownTimeout;

    /// <summary>The default <see cref="CloseTimeout"/>.</summary>
    public static readonly TimeSpan DefaultCloseTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how long <see cref="Session.CloseAsync"/> waits for the host's <see cref="ISessionConnection.CloseAsync"/> before disconnecting anyway.</summary>
    /// <value>5 seconds. Must be positive, or <see cref="Timeout.InfiniteTimeSpan"/>.</value>
    public TimeSpan CloseTimeout { get; set; } = DefaultCloseTimeout;

    /// <summary>
    /// Gets or sets how long a session may stay unauthenticated (guest) before it is closed with
    /// <see cref="SessionCloseReason.ConnectionTimeout"/> (Prosody's <c>c2s_timeout</c>); <see langword="null"/> for no limit.
    /// Sessions that connect with a pre-authenticated user are not timed.
    /// </summary>
    /// <value><see langword="null"/>. Must be positive when set.</value>
    public TimeSpan? AuthenticationTimeout { get; set; }

    /// <summary>Gets or sets the user that code outside any session runs as (Tarantool's background fibers run as admin).</summary>
    /// <value><c>admin</c>. Must exist in the user directory.</value>
    public string BackgroundUser { get; set; } = "admin";

    /// <summary>
    /// Gets or sets who may switch users with <c>Su</c> or <c>ChangeUser</c>. Tarantool checks nobody; SessionKit's
    /// default, <see cref="SwitchUserRequest.AdminOnly"/>, lets only an effective admin switch (or a caller "switch"
    /// to itself). A refused switch throws <see cref="AccessDeniedException"/> and fires <c>on_access_denied</c>.
    /// </summary>
    /// <value><see langword="null"/> for <see cref="SwitchUserRequest.AdminOnly"/>.</value>
    public Func<SwitchUserRequest, bool>? SwitchUserPolicy { get; set; }

    /// <summary>Gets or sets what <see cref="SessionManager.BindResourceAsync"/> does when the resource is taken.</summary>
    /// <value><see cref="ResourceConflictPolicy.KickOld"/>, as Prosody.</value>
    public ResourceConflictPolicy ResourceConflictPolicy { get; set; } = ResourceConflictPolicy.KickOld;

    /// <summary>Gets or sets the most open sessions a user may hold at once, asked per user; <see langword="null"/> for no limit.</summary>
    /// <value><see langword="null"/>. A returned value below 1 is treated as 1.</value>
    public Func<SessionUser, int>? MaxSessionsPerUser { get; set; }

    /// <summary>Gets or sets what happens when a session would exceed <see cref="MaxSessionsPerUser"/>.</summary>
    /// <value><see cref="SessionLimitPolicy.RejectNew"/>.</value>
    public SessionLimitPolicy SessionLimitPolicy { get; set; } = SessionLimitPolicy.RejectNew;

    /// <summary>
    /// Gets or sets which account changes reported by an <see cref="IObservableUserDirectory"/> close the user's live
    /// sessions: removal (<see cref="SessionCloseReason.AccountDeleted"/>), disabling
    /// (<see cref="SessionCloseReason.AccountDisabled"/>) and a password change (the user's other sessions,
    /// <see cref="SessionCloseReason.PasswordChanged"/>).
    /// </summary>
    /// <value><see cref="UserChangeClosePolicy.All"/>. Must be a combination of the defined flags.</value>
    public UserChangeClosePolicy UserChangeClosePolicy { get; set; } = UserChangeClosePolicy.All;

    /// <summary>Throws when a setting breaks its rule; the message names the option.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    internal void Validate()
    {
        if ((UserChangeClosePolicy & ~UserChangeClosePolicy.All) != 0)
        {
            throw new ArgumentException(
                $"SessionOptions.UserChangeClosePolicy must be a combination of the defined UserChangeClosePolicy flags; it is {(int)UserChangeClosePolicy}.",
                "options");
        }

        if (ShutdownTimeout != Timeout.InfiniteTimeSpan && (ShutdownTimeout <= TimeSpan.Zero || ShutdownTimeout.TotalMilliseconds > int.MaxValue))
        {
            throw new ArgumentException(
                $"SessionOptions.ShutdownTimeout must be positive and at most {int.MaxValue} ms, or Timeout.InfiniteTimeSpan; it is {ShutdownTimeout}.",
                "options");
        }

        if (CloseTimeout != Timeout.InfiniteTimeSpan && (CloseTimeout <= TimeSpan.Zero || CloseTimeout.TotalMilliseconds > int.MaxValue))
        {
            throw new ArgumentException(
                $"SessionOptions.CloseTimeout must be positive and at most {int.MaxValue} ms, or Timeout.InfiniteTimeSpan; it is {CloseTimeout}.",
                "options");
        }

        if (AuthenticationTimeout is { } auth && (auth <= TimeSpan.Zero || auth.TotalMilliseconds > int.MaxValue))
        {
            throw new ArgumentException($"SessionOptions.AuthenticationTimeout must be positive and at most {int.MaxValue} ms, or null; it is {auth}.", "options");
        }

        if (!Enum.IsDefined(ResourceConflictPolicy))
        {
            throw new ArgumentException($"SessionOptions.ResourceConflictPolicy must be one of {string.Join(", ", Enum.GetNames<ResourceConflictPolicy>())}; it is {(int)ResourceConflictPolicy}.", "options");
        }

        if (!Enum.IsDefined(SessionLimitPolicy))
        {
            throw new ArgumentException($"SessionOptions.SessionLimitPolicy must be one of {string.Join(", ", Enum.GetNames<SessionLimitPolicy>())}; it is {(int)SessionLimitPolicy}.", "options");
        }

        try
        {
            Internal.Names.Validate(BackgroundUser, "options");
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"SessionOptions.BackgroundUser is invalid: {ex.Message}", "options", ex);
        }
    }
}
