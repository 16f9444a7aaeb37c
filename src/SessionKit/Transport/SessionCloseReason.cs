namespace SessionKit;

/// <summary>
/// Why the server closes a session: a machine-readable condition (XMPP's stream error conditions where one fits) and
/// a human-readable text. Compared by value.
/// </summary>
public sealed record SessionCloseReason
{
    /// <summary>Initializes a new instance of the <see cref="SessionCloseReason"/> class.</summary>
    /// <param name="condition">A short machine-readable condition such as <c>conflict</c> or <c>system-shutdown</c>.</param>
    /// <param name="text">A human-readable explanation, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="condition"/> is null, empty or whitespace.</exception>
    public SessionCloseReason(string condition, string? text = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(condition);
        Condition = condition;
        Text = text;
    }

    /// <summary>Gets the reason of a polite close the client asked for or that needs no explanation.</summary>
    public static SessionCloseReason None { get; } = new("none");

    /// <summary>Gets the reason given to a session replaced by a new connection with the same resource (<c>conflict</c>, "Replaced by new connection").</summary>
    public static SessionCloseReason Replaced { get; } = new("conflict", "Replaced by new connection");

    /// <summary>Gets the reason given to every session when the manager shuts down (<c>system-shutdown</c>).</summary>
    public static SessionCloseReason SystemShutdown { get; } = new("system-shutdown", "Server is shutting down");

    /// <summary>Gets the reason given when the user's password changed (<c>reset</c>, "Password changed").</summary>
    public static SessionCloseReason PasswordChanged { get; } = new("reset", "Password changed");

    /// <summary>Gets the reason given when the user's account was deleted (<c>not-authorized</c>, "Account deleted").</summary>
    public static SessionCloseReason AccountDeleted { get; } = new("not-authorized", "Account deleted");

    /// <summary>Gets the reason given when the user's account was disabled (<c>not-authorized</c>, "Account disabled").</summary>
    public static SessionCloseReason AccountDisabled { get; } = new("not-authorized", "Account disabled");

    /// <summary>Gets the reason given when the user's role changed (<c>reset</c>, "Role changed").</summary>
    public static SessionCloseReason RoleChanged { get; } = new("reset", "Role changed");

    /// <summary>Gets the reason given to the oldest session evicted by the per-user session limit (<c>policy-violation</c>).</summary>
    public static SessionCloseReason SessionLimitReached { get; } = new("policy-violation", "Too many sessions for this user");

    /// <summary>Gets the reason given to a session that stayed unauthenticated longer than <see cref="SessionManagerOptions.AuthenticationTimeout"/> (<c>connection-timeout</c>).</summary>
    public static SessionCloseReason ConnectionTimeout { get; } = new("connection-timeout", "Authentication took too long");

    /// <summary>Gets the reason given to a session that made no request for longer than its <see cref="SessionManagerOptions.IdleTimeout"/> (<c>connection-timeout</c>, "Idle for too long"; Tarantool 3.8's <c>idle_timeout</c>).</summary>
    public static SessionCloseReason IdleTimeout { get; } = new("connection-timeout", "Idle for too long");

    /// <summary>Gets the reason given by an administrator's kick (<c>policy-violation</c>, "Kicked by an administrator").</summary>
    public static SessionCloseReason Kicked { get; } = new("policy-violation", "Kicked by an administrator");

    /// <summary>
    /// Gets the reason <c>on_disconnect</c> sees when nobody gave one: the host called
    /// <see cref="SessionManager.DisconnectAsync(Session, CancellationToken)"/> without a reason, usually because the
    /// client hung up (<c>client-disconnected</c>, "The client disconnected"). Never sent to a client.
    /// </summary>
    public static SessionCloseReason ClientDisconnected { get; } = new("client-disconnected", "The client disconnected");

    /// <summary>Gets the reason given to a session that did not take a routed message within <see cref="SessionManagerOptions.SendTimeout"/> under <see cref="SlowConsumerPolicy.Close"/> (<c>policy-violation</c>, "Too slow to receive messages").</summary>
    public static SessionCloseReason SlowConsumer { get; } = new("policy-violation", "Too slow to receive messages");

    /// <summary>Gets the machine-readable condition.</summary>
    public string Condition { get; }

    /// <summary>Gets the human-readable explanation, or <see langword="null"/>.</summary>
    public string? Text { get; }

    /// <inheritdoc/>
    public override string ToString() => Text is null ? Condition : $"{Condition}: {Text}";
}
