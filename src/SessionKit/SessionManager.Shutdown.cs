using System.Globalization;
using SessionKit.Internal;

namespace SessionKit;

public sealed partial class SessionManager
{
    private async Task ShutdownAsync(TaskCompletionSource completion)
    {
        try
        {
            // From here on no session can be created (ConnectAsync checks the state after registering, too).
            // A full fence, not just a release: FinishClose relies on it (see there).
            Interlocked.Exchange(ref _disposeState, 1);
            StopIdleSweep();
            var sessions = _sessions.Values.Where(s => !s.IsClosed).ToArray();
            _logger.ShutdownStarted(sessions.Length, _shutdownTimeout);

            // Every open session is told why (system-shutdown) through its connection, then disconnected.
            var closes = sessions.Select(s => CloseSessionAsync(s, SessionCloseReason.SystemShutdown, TimeSpan.Zero, CancellationToken.None).AsTask()).ToArray();
            try
            {
                await WaitForClosesAsync(closes).WaitAsync(_shutdownTimeout, _time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                var stuck = _sessions.Values.Where(s => s.DisconnectRunning || !s.IsClosed).Select(s => s.Id).Order().ToArray();
                _logger.ShutdownTimedOut(_shutdownTimeout, stuck.Length, string.Join(", ", stuck.Select(id => id.ToString(CultureInfo.InvariantCulture))));
            }
        }
        finally
        {
            // Triggers still running learn that nobody waits for them any more.
            await _shutdownSource.CancelAsync().ConfigureAwait(false);
            Volatile.Write(ref _disposeState, 2);
            _metrics.Dispose();
            _logger.ShutdownCompleted();
            completion.TrySetResult();
        }
    }

    /// <summary>Waits for shutdown's own closes, then for any close the host started before shutdown.</summary>
    private async Task WaitForClosesAsync(Task<bool>[] closes)
    {
        await Task.WhenAll(closes).ConfigureAwait(false);
        if (Volatile.Read(ref _closing.Value) > 0)
        {
            await _closesDrained.Task.ConfigureAwait(false);
        }
    }
}
