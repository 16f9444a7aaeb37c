namespace SessionKit;

/// <summary>
/// What the routing helpers of <see cref="UserSessions"/> do with a session whose send did not complete within
/// <see cref="SessionManagerOptions.SendTimeout"/>. Either way the message counts as not delivered, the send is no longer
/// waited for, and the event is logged (<c>SendTimedOut</c>).
/// </summary>
public enum SlowConsumerPolicy
{
    /// <summary>The session is closed with <see cref="SessionCloseReason.SlowConsumer"/>: a client that stopped reading cannot hold buffers or slow every later send. The default.</summary>
    Close = 0,

    /// <summary>The session stays open; only the one message counts as not delivered.</summary>
    Ignore = 1,
}
