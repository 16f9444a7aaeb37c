using SessionKit.Internal;

namespace SessionKit;

public sealed partial class SessionManager
{
    /// <summary>The polite close behind <see cref="Session.CloseAsync"/>: tell the client, wait the grace period, disconnect.</summary>
    internal async ValueTask CloseSessionAsync(Session session, SessionCloseReason reason, TimeSpan gracePeriod, CancellationToken cancellationToken)
    {
        if (session.IsClosed)
        {
            // Closing a closed or destroyed session is the tombstone's no-op (Prosody logs "already closed").
            _logger.AlreadyClosed(session.Id);
            return;
        }

        ThrowIfDisposed();
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

        if (session.TryMarkClosed())
        {
            await DisconnectCoreAsync(session, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
