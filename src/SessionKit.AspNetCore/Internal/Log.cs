using Microsoft.Extensions.Logging;

namespace SessionKit.AspNetCore.Internal;

/// <summary>The package's log events (ids 100+, apart from the core's).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 100, EventName = "WebSocketConnectRefused", Level = LogLevel.Information, Message = "A WebSocket was refused a session.")]
    public static partial void WebSocketConnectRefused(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 101, EventName = "WebSocketHandlerFailed", Level = LogLevel.Error, Message = "The WebSocket handler of session {SessionId} failed.")]
    public static partial void WebSocketHandlerFailed(this ILogger logger, ulong sessionId, Exception exception);

    [LoggerMessage(EventId = 102, EventName = "HubConnectRefused", Level = LogLevel.Information, Message = "A hub connection was refused a session.")]
    public static partial void HubConnectRefused(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 103, EventName = "ConnectionCloseFailed", Level = LogLevel.Debug, Message = "Closing the connection of session {SessionId} failed.")]
    public static partial void ConnectionCloseFailed(this ILogger logger, ulong sessionId, Exception exception);

    [LoggerMessage(EventId = 104, EventName = "ConnectionConnectRefused", Level = LogLevel.Information, Message = "A Kestrel connection was refused a session.")]
    public static partial void ConnectionConnectRefused(this ILogger logger, Exception exception);
}
