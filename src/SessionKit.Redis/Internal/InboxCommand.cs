namespace SessionKit.Redis.Internal;

/// <summary>What an inbox frame asks of the node it is sent to.</summary>
internal enum InboxCommand : byte
{
    /// <summary>The answer to a command: <see cref="InboxFrame.Value"/> for <see cref="InboxFrame.Correlation"/>.</summary>
    Reply = 0,

    /// <summary>Close one session with a reason; answers 1 when it was open.</summary>
    Kick = 1,

    /// <summary>KickOld: close the holder of a resource with Replaced and release it; answers 1 once released.</summary>
    Replace = 2,

    /// <summary>Close a user's sessions on the node; answers how many.</summary>
    CloseUser = 3,

    /// <summary>Send a message to a user's sessions on the node; answers how many took it.</summary>
    Send = 4,

    /// <summary>Tell the highest non-negative priority of a user's available sessions on the node (or -1).</summary>
    TopPriority = 5,

    /// <summary>EvictOldest decided elsewhere: close the session with SessionLimitReached; no answer.</summary>
    Evict = 6,
}
