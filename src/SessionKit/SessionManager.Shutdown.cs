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
            Volatile.Write(ref _disposeState, 1);
            var sessions = _sessions.Values.Where(s => !s.IsClosed).ToArray();
            _logger.ShutdownStarted(sessions.Length, _shutdownTimeout);

            foreach (var session in sessions)
            {
                if (!session.TryMarkClosed())
                {
                    continue;
                }

                // Trigger errors go to the log, so a close never throws; what does not finish now is waited for below.
                var pending = DisconnectCoreAsync(session, CancellationToken.None);
                if (pending.IsCompletedSuccessfully)
                {
                    pending.GetAwaiter().GetResult();
                }
                else
                {
                    _ = pending.AsTask();
                }
            }

            // Wait for every close still running, ours and those started by the host before shutdown.
            if (Volatile.Read(ref _closing) > 0)
            {
                try
                {
                    await _closesDrained.Task.WaitAsync(_shutdownTimeout, _time).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    var stuck = _sessions.Values.Where(s => s.ExtrasOrNull?.DisconnectRunning == true).Select(s => s.Id).Order().ToArray();
                    _logger.ShutdownTimedOut(_shutdownTimeout, stuck.Length, string.Join(", ", stuck.Select(id => id.ToString(CultureInfo.InvariantCulture))));
                }
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
}
