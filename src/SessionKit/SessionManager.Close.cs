using SessionKit.Internal;

namespace SessionKit;

public sealed partial class SessionManager
{
    /// <summary>Gets the <c>on_session_closing</c> triggers (Prosody's <c>pre-session-close</c>): run before the server closes a session; they may rewrite the reason. Errors are logged.</summary>
    public TriggerList<SessionClosingContext> OnSessionClosing { get; } = new();

    /// <summary>
    /// The polite close behind <see cref="Session.CloseAsync"/>, kicks, evictions, replacements and shutdown: tell the
    /// client, wait the grace period, disconnect. Returns <see langword="true"/> when this call closed the session.
    /// </summary>
    internal async ValueTask<bool> CloseSessionAsync(Session session, SessionCloseReason reason, TimeSpan gracePeriod, CancellationToken cancellationToken)
    {
        if (session.IsClosed)
        {
            // Closing a closed or destroyed session is the tombstone's no-op (Prosody logs "already closed").
            _logger.AlreadyClosed(session.Id);
            return false;
        }

        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (session.TryStartClose(completion.Task) is { } running)
        {
            // Another close is telling the client; wait for it rather than return while the session is still open.
            _logger.AlreadyClosed(session.Id);
            await running.WaitAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }

        try
        {
            return await CloseClaimedSessionAsync(session, reason, gracePeriod, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            completion.TrySetResult();
        }
    }

    private async ValueTask<bool> CloseClaimedSessionAsync(Session session, SessionCloseReason reason, TimeSpan gracePeriod, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        if (OnSessionClosing.Count != 0)
        {
            var closing = new SessionClosingContext(session, reason, cancellationToken);
            await RunForSessionAsync(OnSessionClosing, session, TriggerListNames.SessionClosing, true, cancellationToken, (_, _) => closing).ConfigureAwait(false);
            reason = closing.Reason;
        }

        _logger.SessionClosing(session.Id, reason.Condition);
        session.Extras.CloseReason = reason;
        var connection = session.Connection;
        if (connection is not null)
        {
            try
            {
                await connection.CloseAsync(reason, cancellationToken).AsTask().WaitAsync(_closeTimeout, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // A broken or hanging transport must not keep the session alive.
                _logger.TransportCloseFailed(session.Id, ex);
            }

            if (gracePeriod > TimeSpan.Zero && !session.IsClosed)
            {
                // Give the client a chance to hang up itself; the host's DisconnectAsync then fires Closed.
                try
                {
                    await Task.Delay(gracePeriod, _time, session.Closed).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Closed fired: the client hung up within the grace period.
                }
            }
        }

        if (!session.TryMarkClosed())
        {
            // The host disconnected it meanwhile (the client hung up); that close ran on_disconnect.
            return true;
        }

        await DisconnectCoreAsync(session, CancellationToken.None).ConfigureAwait(false);
        return true;
    }
}
