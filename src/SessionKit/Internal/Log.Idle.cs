using Microsoft.Extensions.Logging;

namespace SessionKit.Internal;

// The idle sweep's messages, in a file of their own. Ids from 40 up, clear of the main list's.
internal static partial class Log
{
    public const int IdleSessionClosingId = 40;
    public const int IdleTimeoutInvalidId = 41;
    public const int IdleTimeoutFailedId = 42;
    public const int IdleSweepFailedId = 43;

    [LoggerMessage(IdleSessionClosingId, LogLevel.Debug, "Session {SessionId} made no request for longer than its idle timeout {IdleTimeout}; closing it.", EventName = "IdleSessionClosing")]
    public static partial void IdleSessionClosing(this ILogger logger, ulong sessionId, TimeSpan idleTimeout);

    [LoggerMessage(IdleTimeoutInvalidId, LogLevel.Error, "SessionOptions.IdleTimeout returned {IdleTimeout} for session {SessionId} ({Count} sessions this sweep); it must be positive, Timeout.InfiniteTimeSpan or null. Those sessions are not timed.", EventName = "IdleTimeoutInvalid")]
    public static partial void IdleTimeoutInvalid(this ILogger logger, TimeSpan idleTimeout, ulong sessionId, int count);

    [LoggerMessage(IdleTimeoutFailedId, LogLevel.Error, "SessionOptions.IdleTimeout threw for session {SessionId} ({Count} sessions this sweep). Those sessions are not timed.", EventName = "IdleTimeoutFailed")]
    public static partial void IdleTimeoutFailed(this ILogger logger, ulong sessionId, int count, Exception exception);

    [LoggerMessage(IdleSweepFailedId, LogLevel.Error, "The idle sweep failed; the next sweep tries again.", EventName = "IdleSweepFailed")]
    public static partial void IdleSweepFailed(this ILogger logger, Exception exception);
}
