namespace SessionKit;

/// <summary>Settings of a <see cref="SessionManager"/>. Validated when the manager is built.</summary>
public sealed class SessionManagerOptions
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

    /// <summary>Gets or sets what <see cref="UserSessions.BindResourceAsync"/> does when the resource is taken.</summary>
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

    /// <summary>The default of <see cref="MaxUserNameLength"/>, <see cref="MaxHostLength"/> and <see cref="MaxResourceLength"/>: 256 characters.</summary>
    public const int DefaultMaxNameLength = Internal.Names.DefaultMaxLength;

    /// <summary>The largest value <see cref="MaxUserNameLength"/>, <see cref="MaxHostLength"/> and <see cref="MaxResourceLength"/> accept: 1024 characters.</summary>
    public const int NameLengthCeiling = Internal.Names.LengthCeiling;

    /// <summary>Gets or sets the longest user name accepted wherever one enters the manager (authentication, <c>Su</c>, <c>ChangeUser</c>, <see cref="ConnectOptions.User"/>, lookups).</summary>
    /// <value>256 UTF-16 characters (<see cref="DefaultMaxNameLength"/>). From 1 to <see cref="NameLengthCeiling"/>.</value>
    public int MaxUserNameLength { get; set; } = DefaultMaxNameLength;

    /// <summary>Gets or sets the longest host name accepted (<see cref="ConnectOptions.Host"/> and every lookup by host).</summary>
    /// <value>256 UTF-16 characters (<see cref="DefaultMaxNameLength"/>). From 1 to <see cref="NameLengthCeiling"/>.</value>
    public int MaxHostLength { get; set; } = DefaultMaxNameLength;

    /// <summary>Gets or sets the longest resource accepted by <see cref="UserSessions.BindResourceAsync"/> and <see cref="UserSessions.FindResource"/>; names the conflict policies generate are kept within it.</summary>
    /// <value>256 UTF-16 characters (<see cref="DefaultMaxNameLength"/>). From 1 to <see cref="NameLengthCeiling"/>.</value>
    public int MaxResourceLength { get; set; } = DefaultMaxNameLength;

    /// <summary>Gets or sets the longest peer text (the formatted <see cref="ConnectOptions.Peer"/>) accepted; a peer with control characters is always refused.</summary>
    /// <value>512 UTF-16 characters. From 1 to 4096.</value>
    public int MaxPeerLength { get; set; } = Internal.PeerFormatter.DefaultMaxLength;

    /// <summary>Gets or sets the longest password <see cref="SessionManager.AuthenticateAsync"/> accepts, in bytes of its UTF-8 form; a longer one is refused before any key derivation.</summary>
    /// <value>1024 bytes. From 1 to 1,048,576.</value>
    public int MaxPasswordBytes { get; set; } = 1024;

    /// <summary>Gets or sets how many values one session's <see cref="Session.Storage"/> may hold (typed and string keys together).</summary>
    /// <value>1024. At least 1.</value>
    public int MaxStorageKeys { get; set; } = 1024;

    /// <summary>Gets or sets how many values the storage shared by one user's sessions (<see cref="UserSessions.StorageOf"/>) may hold.</summary>
    /// <value>1024. At least 1.</value>
    public int MaxUserStorageKeys { get; set; } = 1024;

    /// <summary>Gets or sets how many triggers each of the manager's trigger lists may hold.</summary>
    /// <value>10,000. At least 1.</value>
    public int MaxTriggersPerList { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets how many credential checks (<see cref="IUserDirectory.VerifyAsync"/>, PBKDF2 in the embedded
    /// directory) run at once. Further attempts wait asynchronously for a turn; a check never runs on the thread that
    /// called <see cref="SessionManager.AuthenticateAsync"/>. Raise it for a directory that waits on I/O rather than
    /// computing.
    /// </summary>
    /// <value><see cref="Environment.ProcessorCount"/>. From 1 to 4096.</value>
    public int MaxConcurrentVerifications { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// Gets or sets how long a session may go without a request before it is closed with
    /// <see cref="SessionCloseReason.IdleTimeout"/> (Tarantool 3.8's <c>session.users.&lt;name&gt;.idle_timeout</c>), asked
    /// per session with its current user and type: a guest session is asked with <c>guest</c>, so the guest's timeout
    /// applies to it. Return <see langword="null"/> (or <see cref="Timeout.InfiniteTimeSpan"/>) for no timeout.
    /// </summary>
    /// <remarks>
    /// <para>
    /// A session is idle while no request scope (<see cref="SessionManager.Enter"/>) is open; the clock restarts when the
    /// last scope exits, and a session with an open scope is never closed, however long the request runs. One sweep per
    /// manager checks every open session each <see cref="IdleSweepInterval"/> and asks this delegate anew, so a change
    /// of user or type takes effect at the next sweep. The sweep measures activity with its own resolution: a session is
    /// closed after at least the timeout without a request and, when the sweep runs on time, before the timeout plus
    /// two intervals.
    /// </para>
    /// <para>
    /// A result that is zero or negative (other than <see cref="Timeout.InfiniteTimeSpan"/>), and an exception thrown by
    /// the delegate, are logged as errors and leave that session untimed for that sweep: a configuration mistake never
    /// closes sessions.
    /// </para>
    /// </remarks>
    /// <value><see langword="null"/>: no idle timeouts and no sweep.</value>
    public Func<SessionUser, SessionType, TimeSpan?>? IdleTimeout { get; set; }

    /// <summary>The default <see cref="IdleSweepInterval"/>.</summary>
    public static readonly TimeSpan DefaultIdleSweepInterval = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how often the idle sweep checks the sessions when <see cref="IdleTimeout"/> is set: the resolution of idle timeouts.</summary>
    /// <value>1 second. Must be positive and at most <see cref="int.MaxValue"/> milliseconds.</value>
    public TimeSpan IdleSweepInterval { get; set; } = DefaultIdleSweepInterval;

    /// <summary>The default <see cref="SendTimeout"/>.</summary>
    public static readonly TimeSpan DefaultSendTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets how long the routing helpers of <see cref="UserSessions"/> (<see cref="UserSessions.SendToAllAsync"/>,
    /// <see cref="UserSessions.SendToAvailableAsync"/>, <see cref="UserSessions.SendToInterestedAsync"/>,
    /// <see cref="UserSessions.SendToSessionsAsync"/>) wait for one session's send, measured with the manager's
    /// <see cref="TimeProvider"/>. The sends of one call run concurrently, so one call waits at most about this long.
    /// A send that takes longer counts as not delivered and is handled by <see cref="SlowConsumerPolicy"/>.
    /// <see cref="Session.SendAsync"/> itself is not bounded.
    /// </summary>
    /// <value>5 seconds. Must be positive and at most <see cref="int.MaxValue"/> milliseconds, or <see cref="Timeout.InfiniteTimeSpan"/>.</value>
    public TimeSpan SendTimeout { get; set; } = DefaultSendTimeout;

    /// <summary>Gets or sets what happens to a session whose routed send took longer than <see cref="SendTimeout"/>.</summary>
    /// <value><see cref="SlowConsumerPolicy.Close"/>: the session is closed with <see cref="SessionCloseReason.SlowConsumer"/>.</value>
    public SlowConsumerPolicy SlowConsumerPolicy { get; set; } = SlowConsumerPolicy.Close;

    /// <summary>
    /// Gets or sets the cluster-wide session directory (<c>SessionKit.Redis</c>'s <c>AddRedisDirectory</c> sets it):
    /// per-user limits and resource conflicts are then decided across every node using it. Set in code only.
    /// </summary>
    /// <value><see langword="null"/>: every decision is made in this process (the default, at no extra cost).</value>
    public ISessionDirectory? SessionDirectory { get; set; }

    /// <summary>Throws when a setting breaks its rule; the message names the option.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    internal void Validate()
    {
        if ((UserChangeClosePolicy & ~UserChangeClosePolicy.All) != 0)
        {
            throw new ArgumentException(
                $"SessionManagerOptions.UserChangeClosePolicy must be a combination of the defined UserChangeClosePolicy flags; it is {(int)UserChangeClosePolicy}.",
                "options");
        }

        if (ShutdownTimeout != Timeout.InfiniteTimeSpan && (ShutdownTimeout <= TimeSpan.Zero || ShutdownTimeout.TotalMilliseconds > int.MaxValue))
        {
            throw new ArgumentException(
                $"SessionManagerOptions.ShutdownTimeout must be positive and at most {int.MaxValue} ms, or Timeout.InfiniteTimeSpan; it is {ShutdownTimeout}.",
                "options");
        }

        if (CloseTimeout != Timeout.InfiniteTimeSpan && (CloseTimeout <= TimeSpan.Zero || CloseTimeout.TotalMilliseconds > int.MaxValue))
        {
            throw new ArgumentException(
                $"SessionManagerOptions.CloseTimeout must be positive and at most {int.MaxValue} ms, or Timeout.InfiniteTimeSpan; it is {CloseTimeout}.",
                "options");
        }

        if (SendTimeout != Timeout.InfiniteTimeSpan && (SendTimeout <= TimeSpan.Zero || SendTimeout.TotalMilliseconds > int.MaxValue))
        {
            throw new ArgumentException(
                $"SessionManagerOptions.SendTimeout must be positive and at most {int.MaxValue} ms, or Timeout.InfiniteTimeSpan; it is {SendTimeout}.",
                "options");
        }

        if (!Enum.IsDefined(SlowConsumerPolicy))
        {
            throw new ArgumentException($"SessionManagerOptions.SlowConsumerPolicy must be one of {string.Join(", ", Enum.GetNames<SlowConsumerPolicy>())}; it is {(int)SlowConsumerPolicy}.", "options");
        }

        if (AuthenticationTimeout is { } auth && (auth <= TimeSpan.Zero || auth.TotalMilliseconds > int.MaxValue))
        {
            throw new ArgumentException($"SessionManagerOptions.AuthenticationTimeout must be positive and at most {int.MaxValue} ms, or null; it is {auth}.", "options");
        }

        if (IdleSweepInterval <= TimeSpan.Zero || IdleSweepInterval.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentException($"SessionManagerOptions.IdleSweepInterval must be positive and at most {int.MaxValue} ms; it is {IdleSweepInterval}.", "options");
        }

        if (!Enum.IsDefined(ResourceConflictPolicy))
        {
            throw new ArgumentException($"SessionManagerOptions.ResourceConflictPolicy must be one of {string.Join(", ", Enum.GetNames<ResourceConflictPolicy>())}; it is {(int)ResourceConflictPolicy}.", "options");
        }

        if (!Enum.IsDefined(SessionLimitPolicy))
        {
            throw new ArgumentException($"SessionManagerOptions.SessionLimitPolicy must be one of {string.Join(", ", Enum.GetNames<SessionLimitPolicy>())}; it is {(int)SessionLimitPolicy}.", "options");
        }

        CheckRange(MaxUserNameLength, 1, NameLengthCeiling, nameof(MaxUserNameLength));
        CheckRange(MaxHostLength, 1, NameLengthCeiling, nameof(MaxHostLength));
        CheckRange(MaxResourceLength, 1, NameLengthCeiling, nameof(MaxResourceLength));
        CheckRange(MaxPeerLength, 1, 4096, nameof(MaxPeerLength));
        CheckRange(MaxPasswordBytes, 1, 1 << 20, nameof(MaxPasswordBytes));
        CheckRange(MaxStorageKeys, 1, int.MaxValue, nameof(MaxStorageKeys));
        CheckRange(MaxUserStorageKeys, 1, int.MaxValue, nameof(MaxUserStorageKeys));
        CheckRange(MaxTriggersPerList, 1, int.MaxValue, nameof(MaxTriggersPerList));
        CheckRange(MaxConcurrentVerifications, 1, 4096, nameof(MaxConcurrentVerifications));
        try
        {
            Internal.Names.ValidateUser(BackgroundUser, "options", MaxUserNameLength);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"SessionManagerOptions.BackgroundUser is invalid: {ex.Message}", "options", ex);
        }
    }

    private static void CheckRange(int value, int min, int max, string option)
    {
        if (value < min || value > max)
        {
            throw new ArgumentException($"SessionManagerOptions.{option} must be from {min} to {max}; it is {value}.", "options");
        }
    }
}
