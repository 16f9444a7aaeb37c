using SessionKit.Internal;

namespace SessionKit;

public sealed partial class SessionManager
{
    /// <summary>
    /// Sends to the user's available sessions with the highest non-negative priority (Prosody's <c>top_resources</c>,
    /// where a bare-address chat message goes).
    /// </summary>
    /// <param name="user">The user name.</param>
    /// <param name="message">The message.</param>
    /// <param name="host">The host; <see langword="null"/> for sessions without a host.</param>
    /// <param name="cancellationToken">Cancels the sends.</param>
    /// <returns>How many sessions it was sent to; 0 for an offline user or one without available sessions.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="user"/> or <paramref name="host"/> is not a valid name.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public ValueTask<int> SendToAvailableAsync(string user, object message, string? host = null, CancellationToken cancellationToken = default)
    {
        var sessions = RouteTargets(user, message, host);
        var top = int.MinValue;
        foreach (var session in sessions)
        {
            if (session.IsAvailable && !session.IsClosed && session.Priority >= 0 && session.Priority > top)
            {
                top = session.Priority;
            }
        }

        return top == int.MinValue
            ? new ValueTask<int>(0)
            : SendEachAsync(sessions, message, static (s, top) => s.IsAvailable && s.Priority == top, top, cancellationToken);
    }

    /// <summary>Sends to the user's interested sessions (those that asked for the roster: roster pushes go here).</summary>
    /// <param name="user">The user name.</param>
    /// <param name="message">The message.</param>
    /// <param name="host">The host; <see langword="null"/> for sessions without a host.</param>
    /// <param name="cancellationToken">Cancels the sends.</param>
    /// <returns>How many sessions it was sent to.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="user"/> or <paramref name="host"/> is not a valid name.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public ValueTask<int> SendToInterestedAsync(string user, object message, string? host = null, CancellationToken cancellationToken = default) =>
        SendEachAsync(RouteTargets(user, message, host), message, static (s, _) => s.IsInterested, 0, cancellationToken);

    /// <summary>Sends to every open session of the user.</summary>
    /// <param name="user">The user name.</param>
    /// <param name="message">The message.</param>
    /// <param name="host">The host; <see langword="null"/> for sessions without a host.</param>
    /// <param name="cancellationToken">Cancels the sends.</param>
    /// <returns>How many sessions it was sent to.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="user"/> or <paramref name="host"/> is not a valid name.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public ValueTask<int> SendToAllAsync(string user, object message, string? host = null, CancellationToken cancellationToken = default) =>
        SendEachAsync(RouteTargets(user, message, host), message, static (_, _) => true, 0, cancellationToken);

    private Session[] RouteTargets(string user, object message, string? host)
    {
        _limits.User(user, nameof(user));
        ArgumentNullException.ThrowIfNull(message);
        ValidateHost(host);
        ThrowIfDisposed();
        return _index.SessionsOf(user, host);
    }

    /// <summary>Sends to each selected session; one session's failing transport is logged and does not stop the others.</summary>
    private async ValueTask<int> SendEachAsync(Session[] sessions, object message, Func<Session, int, bool> select, int state, CancellationToken cancellationToken)
    {
        var sent = 0;
        foreach (var session in sessions)
        {
            if (session.IsClosed || !select(session, state))
            {
                continue;
            }

            try
            {
                if (await session.SendAsync(message, cancellationToken).ConfigureAwait(false))
                {
                    sent++;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _logger.SendFailed(session.Id, ex);
            }
        }

        return sent;
    }
}
