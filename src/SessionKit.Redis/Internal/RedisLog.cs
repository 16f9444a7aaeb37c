using Microsoft.Extensions.Logging;

namespace SessionKit.Redis.Internal;

/// <summary>The directory's log messages (source-generated, so a disabled level costs a check only).</summary>
internal static partial class RedisLog
{
    [LoggerMessage(EventId = 1601, Level = LogLevel.Warning, Message = "Redis unreachable; node {Node} applies its unavailable behaviour until it rejoins")]
    public static partial void Unreachable(this ILogger logger, string node, Exception cause);

    [LoggerMessage(EventId = 1602, Level = LogLevel.Information, Message = "Redis connection of node {Node} restored")]
    public static partial void Restored(this ILogger logger, string node);

    [LoggerMessage(EventId = 1603, Level = LogLevel.Information, Message = "Node {Node} joined as incarnation {Incarnation}")]
    public static partial void Joined(this ILogger logger, string node, long incarnation);

    [LoggerMessage(EventId = 1604, Level = LogLevel.Warning, Message = "Node {Node} lost its lease (incarnation {Incarnation}); rejoining")]
    public static partial void LeaseLost(this ILogger logger, string node, long incarnation);

    [LoggerMessage(EventId = 1605, Level = LogLevel.Warning, Message = "Lease renewal of node {Node} failed")]
    public static partial void RenewFailed(this ILogger logger, string node, Exception cause);

    [LoggerMessage(EventId = 1606, Level = LogLevel.Warning, Message = "Node {Node} sweeps dead node {Dead} incarnation {Incarnation}")]
    public static partial void Sweeping(this ILogger logger, string node, string dead, long incarnation);

    [LoggerMessage(EventId = 1607, Level = LogLevel.Warning, Message = "Sweep by node {Node} failed")]
    public static partial void SweepFailed(this ILogger logger, string node, Exception cause);

    [LoggerMessage(EventId = 1608, Level = LogLevel.Warning, Message = "Node {Node} did not answer {Command} within {Timeout}")]
    public static partial void NoAnswer(this ILogger logger, string node, InboxCommand command, TimeSpan timeout);

    [LoggerMessage(EventId = 1609, Level = LogLevel.Warning, Message = "Dropped a malformed inbox frame")]
    public static partial void MalformedFrame(this ILogger logger, Exception cause);

    [LoggerMessage(EventId = 1610, Level = LogLevel.Error, Message = "Inbox command {Command} failed")]
    public static partial void CommandFailed(this ILogger logger, InboxCommand command, Exception cause);

    [LoggerMessage(EventId = 1611, Level = LogLevel.Information, Message = "Session directory of node {Node} is {Status}")]
    public static partial void StatusIs(this ILogger logger, string node, DirectoryStatus status);

    [LoggerMessage(EventId = 1612, Level = LogLevel.Error, Message = "A handler of a session directory event failed")]
    public static partial void HandlerFailed(this ILogger logger, Exception cause);
}
