using System.Globalization;
using SessionKit.Internal;

namespace SessionKit;

public sealed partial class SessionManager
{
    /// <summary>
    /// Starts the shutdown. From work the shutdown waits for (a close's triggers or transport, a trigger run for a
    /// session, or work they started) it starts in a clean flow: it must not count as part of the caller's close.
    /// </summary>
    private Task StartShutdown(TaskCompletionSource completion)
    {
        if (!IsInsideWorkShutdownWaitsFor())
        {
            return ShutdownAsync(completion);
        }

        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(() => ShutdownAsync(completion));
        }
    }

    /// <summary>
    /// Tells whether the current flow is something shutdown waits for: part of a close (see <see cref="CloseFlow"/>) or
    /// a trigger run for a session (its system context is in the flow's scope chain). Awaiting the shutdown from there
    /// would wait for itself until the shutdown timeout.
    /// </summary>
    private bool IsInsideWorkShutdownWaitsFor()
    {
        if (_closeFlow.Value is not null)
        {
            return true;
        }

        for (var context = _ambient.Value; context is not null; context = context.Parent)
        {
            if (context.Holder?.Session is { } session && ReferenceEquals(session.ExtrasOrNull?.SystemContext, context))
            {
                return true;
            }
        }

        return false;
    }

    private async Task ShutdownAsync(TaskCompletionSource completion)
    {
        try
        {
            // From here on no session can be created (ConnectAsync checks the state after registering, too).
            // A full fence, not just a release: FinishClose relies on it (see there).
            Interlocked.Exchange(ref _disposeState, 1);
            _accountWatcher?.Dispose();
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
                CloseStuckSessions();
            }
        }
        finally
        {
            try
            {
                // Triggers still running learn that nobody waits for them any more.
                await _shutdownSource.CancelAsync().ConfigureAwait(false);
            }
            catch (AggregateException)
            {
                // Callbacks registered on trigger tokens belong to host code; their failures must not stop the
                // shutdown from completing (every later DisposeAsync would wait on it for ever).
            }

            Volatile.Write(ref _disposeState, 2);
            _metrics.Dispose();
            _logger.ShutdownCompleted();
            completion.TrySetResult();
        }
    }

    /// <summary>
    /// Takes over the closes still stuck in their polite part (a hanging <c>on_session_closing</c> trigger or transport)
    /// when the shutdown timeout ends: no session outlives the manager open. Their <c>on_disconnect</c> runs without
    /// being waited for, and the stuck close finds the session closed when it resumes.
    /// </summary>
    private void CloseStuckSessions()
    {
        foreach (var session in _sessions.Values)
        {
            if (session.TryMarkClosed())
            {
                // Its trigger errors go to the log, so the detached run cannot fault.
                Detach(DisconnectCoreAsync(session, CancellationToken.None));
            }
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
