using Microsoft.Extensions.Logging;

namespace SessionKit.Internal;

/// <summary>
/// Sends a message to a selection of sessions (Prosody's routing to a bare address): every send starts before any is
/// awaited, each is bounded by the send timeout, and a session too slow to take it is handled by the slow-consumer
/// policy, so one client that stopped reading never holds up the others or the sender for longer than the timeout.
/// </summary>
internal sealed class MessageRouter(SessionCloser closer, TimeProvider time, TimeSpan sendTimeout, SlowConsumerPolicy policy, ILogger logger)
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

    /// <summary>
    /// Starts a send to each selected session, then awaits those that did not complete at once. A failing or timed-out
    /// send is logged, counts as not delivered and does not stop the others; the caller's cancellation propagates.
    /// </summary>
    private async ValueTask<int> SendEachAsync(Session[] sessions, object message, Func<Session, int, bool> select, int state, CancellationToken cancellationToken)
    {
        var sent = 0;

        // Allocated only when some send goes asynchronous: sends that complete at once (a buffered write) cost no task.
        PendingSend[]? pending = null;
        var count = 0;
        foreach (var session in sessions)
        {
            if (session.IsClosed || !select(session, state))
            {
                continue;
            }

            ValueTask<bool> send;
            try
            {
                send = session.SendAsync(message, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                logger.SendFailed(session.Id, ex);
                continue;
            }

            if (send.IsCompletedSuccessfully)
            {
                sent += send.Result ? 1 : 0;
                continue;
            }

            // The timeout starts with the send, so all of them run out together rather than one after another.
            var task = send.AsTask();
            var bounded = sendTimeout == Timeout.InfiniteTimeSpan && !cancellationToken.CanBeCanceled
                ? task
                : task.WaitAsync(sendTimeout, time, cancellationToken);
            pending ??= new PendingSend[sessions.Length];
            pending[count++] = new PendingSend(session, task, bounded);
        }

        var i = 0;
        try
        {
            for (; i < count; i++)
            {
                sent += await AwaitSendAsync(pending![i], cancellationToken).ConfigureAwait(false) ? 1 : 0;
            }
        }
        catch (OperationCanceledException)
        {
            // The caller gave up: the sends it started are left to finish on their own and must not fault unobserved.
            for (; i < count; i++)
            {
                Detached.Observe(pending![i].Send);
            }

            throw;
        }

        return sent;
    }

    private async ValueTask<bool> AwaitSendAsync(PendingSend send, CancellationToken cancellationToken)
    {
        try
        {
            return await send.Bounded.ConfigureAwait(false);
        }
        catch (TimeoutException) when (!send.Send.IsCompleted)
        {
            SlowConsumer(send.Session, send.Send);
            return false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.SendFailed(send.Session.Id, ex);
            return false;
        }
    }

    private void SlowConsumer(Session session, Task<bool> send)
    {
        logger.SendTimedOut(session.Id, sendTimeout, policy);
        Detached.Observe(send);
        if (policy == SlowConsumerPolicy.Close)
        {
            // Not awaited: the sender waited long enough; the close is bounded by CloseTimeout on its own, and its
            // failures (the manager disposed meanwhile) are the close's business, not this send's.
            Detached.Observe(closer.CloseIfOpenAsync(session, SessionCloseReason.SlowConsumer, CancellationToken.None).AsTask());
        }
    }

    /// <summary>A send that did not complete at once: its session, the transport's task and the same task bounded by the send timeout.</summary>
    private readonly record struct PendingSend(Session Session, Task<bool> Send, Task<bool> Bounded);
}
