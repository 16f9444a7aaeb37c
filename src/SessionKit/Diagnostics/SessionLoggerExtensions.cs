using Microsoft.Extensions.Logging;
using SessionKit.Internal;

namespace SessionKit;

/// <summary>Logging helpers that put the current session on the host's own log records.</summary>
public static class SessionLoggerExtensions
{
    /// <summary>
    /// Opens a logging scope on <paramref name="logger"/> that carries the current session of
    /// <paramref name="sessions"/>: <c>SessionId</c>, <c>UserName</c> (the session user) and <c>Sync</c> (the request
    /// sync given to <see cref="SessionManager.Enter"/>), so every record the host writes inside it names the session.
    /// Call it inside a request scope and dispose it before the request scope ends.
    /// </summary>
    /// <param name="logger">The host's logger.</param>
    /// <param name="sessions">The manager whose current session the scope names.</param>
    /// <returns>
    /// The scope to dispose; <see langword="null"/> when the flow has no current session or the logger is disabled
    /// at every level (then nothing is allocated).
    /// </returns>
    /// <remarks>
    /// The values are copied when the scope opens: a user change inside the scope does not show up in it. Nothing else
    /// is read, so the scope never carries a password or a storage value. It costs one small allocation plus whatever
    /// the logging provider's <see cref="ILogger.BeginScope{TState}"/> costs (see <c>docs/observability.md</c>).
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="logger"/> or <paramref name="sessions"/> is null.</exception>
    public static IDisposable? BeginSessionScope(this ILogger logger, SessionManager sessions)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(sessions);
        var session = sessions.Current;
        if (session is null || !logger.IsEnabled(LogLevel.Critical))
        {
            return null;
        }

        return logger.BeginScope(new RequestLogScope(session.Id, sessions.User, sessions.Sync));
    }
}
