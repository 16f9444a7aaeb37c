using Microsoft.Extensions.Logging;

namespace SessionKit.Internal;

/// <summary>Sends a message to a selection of one user's sessions (Prosody's routing to a bare address).</summary>
internal sealed class MessageRouter(ILogger logger)
{
    /// <summary>Sends to the available sessions with the highest non-negative priority.</summary>
    public ValueTask<int> SendToAvailableAsync(Session[] sessions, object message, CancellationToken cancellationToken)
    {
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

    /// <summary>Sends to the interested sessions.</summary>
    public ValueTask<int> SendToInterestedAsync(Session[] sessions, object message, CancellationToken cancellationToken) =>
        SendEachAsync(sessions, message, static (s, _) => s.IsInterested, 0, cancellationToken);

    /// <summary>Sends to every open session.</summary>
    public ValueTask<int> SendToAllAsync(Session[] sessions, object message, CancellationToken cancellationToken) =>
        SendEachAsync(sessions, message, static (_, _) => true, 0, cancellationToken);

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
                logger.SendFailed(session.Id, ex);
            }
        }

        return sent;
    }
}
