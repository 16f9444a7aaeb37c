using Microsoft.Extensions.Logging;

namespace SessionKit.Internal;

/// <summary>
/// Every log message SessionKit writes. Event ids are stable and never reused; docs/observability.md lists them.
/// No message carries a password or a storage value; authentication failures do not log the user name as sent,
/// because clients sometimes type a password into the name field.
/// </summary>
internal static partial class Log
{
    public const int SessionConnectedId = 1;
    public const int ConnectRefusedId = 2;
    public const int AuthSucceededId = 3;
    public const int AuthFailedId = 4;
    public const int AccessDeniedId = 5;
    public const int TriggerFailedId = 6;
    public const int SessionDisconnectedId = 7;
    public const int SessionDestroyedId = 8;
    public const int ShutdownStartedId = 9;
    public const int ShutdownCompletedId = 10;
    public const int ShutdownTimedOutId = 11;
    public const int UserChangedId = 12;
    // 13 is retired: on_access_denied failures are logged as TriggerFailed (6) like every other list.
    public const int AlreadyClosedId = 14;
    public const int TransportCloseFailedId = 15;
    public const int SendFailedId = 16;
    public const int SessionClosingId = 17;
    public const int SessionEvictedId = 18;
    public const int ResourceBoundId = 19;
    public const int AccountChangeClosingId = 30;
    public const int AccountChangeCloseFailedId = 31;
    public const int IdleSessionClosingId = 40;
    public const int IdleTimeoutInvalidId = 41;
    public const int IdleTimeoutFailedId = 42;
    public const int IdleSweepFailedId = 43;
    public const int SendTimedOutId = 50;
    public const int HostShutdownTimeoutReachedId = 51;

    [LoggerMessage(SessionConnectedId, LogLevel.Debug, "Session {SessionId} connected: type {SessionType}, peer {Peer}, user {UserName}.", EventName = "SessionConnected")]
    public static partial void SessionConnected(this ILogger logger, ulong sessionId, string sessionType, string? peer, string userName);

    [LoggerMessage(ConnectRefusedId, LogLevel.Warning, "Session {SessionId} was refused by its on_connect triggers and closed.", EventName = "ConnectRefused")]
    public static partial void ConnectRefused(this ILogger logger, ulong sessionId, Exception exception);

    [LoggerMessage(AuthSucceededId, LogLevel.Information, "Session {SessionId} authenticated as {UserName}.", EventName = "AuthSucceeded")]
    public static partial void AuthSucceeded(this ILogger logger, ulong sessionId, string userName);

    [LoggerMessage(AuthFailedId, LogLevel.Warning, "Session {SessionId} failed to authenticate: {Reason}.", EventName = "AuthFailed")]
    public static partial void AuthFailed(this ILogger logger, ulong sessionId, string reason);

    [LoggerMessage(AccessDeniedId, LogLevel.Warning, "{Access} access to {ObjectType} '{ObjectName}' is denied for user {UserName} (session {SessionId}).", EventName = "AccessDenied")]
    public static partial void AccessDenied(this ILogger logger, string access, string objectType, string objectName, string userName, ulong sessionId);

    [LoggerMessage(TriggerFailedId, LogLevel.Error, "The {TriggerList} trigger {TriggerName} failed for session {SessionId}.", EventName = "TriggerFailed")]
    public static partial void TriggerFailed(this ILogger logger, string triggerList, string triggerName, ulong sessionId, Exception exception);

    [LoggerMessage(SessionDisconnectedId, LogLevel.Debug, "Session {SessionId} disconnected.", EventName = "SessionDisconnected")]
    public static partial void SessionDisconnected(this ILogger logger, ulong sessionId);

    [LoggerMessage(SessionDestroyedId, LogLevel.Trace, "Session {SessionId} destroyed.", EventName = "SessionDestroyed")]
    public static partial void SessionDestroyed(this ILogger logger, ulong sessionId);

    [LoggerMessage(ShutdownStartedId, LogLevel.Information, "Session manager shutting down: closing {Count} sessions within {Timeout}.", EventName = "ShutdownStarted")]
    public static partial void ShutdownStarted(this ILogger logger, int count, TimeSpan timeout);

    [LoggerMessage(ShutdownCompletedId, LogLevel.Information, "Session manager shut down.", EventName = "ShutdownCompleted")]
    public static partial void ShutdownCompleted(this ILogger logger);

    [LoggerMessage(ShutdownTimedOutId, LogLevel.Warning, "Session manager shutdown timed out after {Timeout}: the on_disconnect triggers of {Count} sessions had not finished (sessions {SessionIds}).", EventName = "ShutdownTimedOut")]
    public static partial void ShutdownTimedOut(this ILogger logger, TimeSpan timeout, int count, string sessionIds);

    [LoggerMessage(UserChangedId, LogLevel.Information, "Session {SessionId} changed its user from {OldUser} to {NewUser}.", EventName = "UserChanged")]
    public static partial void UserChanged(this ILogger logger, ulong sessionId, string oldUser, string newUser);

    [LoggerMessage(AlreadyClosedId, LogLevel.Debug, "Session {SessionId} is already closed; close ignored.", EventName = "AlreadyClosed")]
    public static partial void AlreadyClosed(this ILogger logger, ulong sessionId);

    [LoggerMessage(TransportCloseFailedId, LogLevel.Warning, "The connection of session {SessionId} failed or timed out while closing; the session is disconnected anyway.", EventName = "TransportCloseFailed")]
    public static partial void TransportCloseFailed(this ILogger logger, ulong sessionId, Exception exception);

    [LoggerMessage(SendFailedId, LogLevel.Warning, "Sending to session {SessionId} failed.", EventName = "SendFailed")]
    public static partial void SendFailed(this ILogger logger, ulong sessionId, Exception exception);

    [LoggerMessage(SessionClosingId, LogLevel.Debug, "Closing session {SessionId}: {Condition}.", EventName = "SessionClosing")]
    public static partial void SessionClosing(this ILogger logger, ulong sessionId, string condition);

    [LoggerMessage(SessionEvictedId, LogLevel.Information, "Session {SessionId} was evicted to make room for session {NewcomerId} of the same user.", EventName = "SessionEvicted")]
    public static partial void SessionEvicted(this ILogger logger, ulong sessionId, ulong newcomerId);

    [LoggerMessage(ResourceBoundId, LogLevel.Debug, "Session {SessionId} bound resource {Resource}.", EventName = "ResourceBound")]
    public static partial void ResourceBound(this ILogger logger, ulong sessionId, string resource);

    [LoggerMessage(AccountChangeClosingId, LogLevel.Information, "Closing session {SessionId} because its user's account changed: {Condition}.", EventName = "AccountChangeClosing")]
    public static partial void AccountChangeClosing(this ILogger logger, ulong sessionId, string condition);

    [LoggerMessage(AccountChangeCloseFailedId, LogLevel.Warning, "Closing session {SessionId} after an account change failed.", EventName = "AccountChangeCloseFailed")]
    public static partial void AccountChangeCloseFailed(this ILogger logger, ulong sessionId, Exception exception);

    [LoggerMessage(IdleSessionClosingId, LogLevel.Debug, "Session {SessionId} made no request for longer than its idle timeout {IdleTimeout}; closing it.", EventName = "IdleSessionClosing")]
    public static partial void IdleSessionClosing(this ILogger logger, ulong sessionId, TimeSpan idleTimeout);

    [LoggerMessage(IdleTimeoutInvalidId, LogLevel.Error, "SessionManagerOptions.IdleTimeout returned {IdleTimeout} for session {SessionId} ({Count} sessions this sweep); it must be positive, Timeout.InfiniteTimeSpan or null. Those sessions are not timed.", EventName = "IdleTimeoutInvalid")]
    public static partial void IdleTimeoutInvalid(this ILogger logger, TimeSpan idleTimeout, ulong sessionId, int count);

    [LoggerMessage(IdleTimeoutFailedId, LogLevel.Error, "SessionManagerOptions.IdleTimeout threw for session {SessionId} ({Count} sessions this sweep). Those sessions are not timed.", EventName = "IdleTimeoutFailed")]
    public static partial void IdleTimeoutFailed(this ILogger logger, ulong sessionId, int count, Exception exception);

    [LoggerMessage(IdleSweepFailedId, LogLevel.Error, "The idle sweep failed; the next sweep tries again.", EventName = "IdleSweepFailed")]
    public static partial void IdleSweepFailed(this ILogger logger, Exception exception);

    [LoggerMessage(SendTimedOutId, LogLevel.Warning, "Sending to session {SessionId} did not complete within {SendTimeout}; the message was not delivered (slow consumer policy {SlowConsumerPolicy}).", EventName = "SendTimedOut")]
    public static partial void SendTimedOut(this ILogger logger, ulong sessionId, TimeSpan sendTimeout, SlowConsumerPolicy slowConsumerPolicy);

    [LoggerMessage(HostShutdownTimeoutReachedId, LogLevel.Warning, "The host's shutdown timeout ended before the session manager finished closing its sessions; the host stops waiting, the remaining closes go on within SessionManagerOptions.ShutdownTimeout.", EventName = "HostShutdownTimeoutReached")]
    public static partial void HostShutdownTimeoutReached(this ILogger logger);
}
