using System.Globalization;
using Microsoft.Extensions.Logging;

namespace SessionKit.Internal;

/// <summary>
/// The manager's shutdown: stop accepting sessions, close every open one with <see cref="SessionCloseReason.SystemShutdown"/>,
/// wait for every close (the host's too) within the shutdown timeout, take over the closes still stuck after it, and
/// tell triggers still running that nobody waits for them. Started once; every later call returns the same shutdown.
/// </summary>
internal sealed class ShutdownCoordinator(
    ManagerLifetime lifetime,
    SessionRegistry registry,
    SessionCloser closer,
    SessionDisconnector disconnector,
    AmbientSlot ambient,
    IdleSweeper idle,
    AccountWatcher? accountWatcher,
    SessionMetrics metrics,
    TimeProvider time,
    TimeSpan shutdownTimeout,
    ILogger logger)
{
    private TaskCompletionSource? _completion;

    /// <summary>Starts the shutdown once; see <see cref="SessionManager.DisposeAsync"/> for what the returned task waits for.</summary>
    public ValueTask DisposeAsync()
    {
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var existing = Interlocked.CompareExchange(ref _completion, completion, null);
        var shutdown = existing is not null ? existing.Task : Start(completion);
        return IsInsideWorkShutdownWaitsFor() ? default : new ValueTask(shutdown);
    }

    /// <summary>
    /// Starts the shutdown. From work the shutdown waits for (a close's triggers or transport, a trigger run for a
    /// session, or work they started) it starts in a clean flow: it must not count as part of the caller's close.
    /// </summary>
    private Task Start(TaskCompletionSource completion)
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
        if (closer.IsInAnyClose)
        {
            return true;
        }

        for (var context = ambient.Raw; context is not null; context = context.Parent)
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
            // From here on no session can be created (connects check the state after registering, too).
            lifetime.BeginShutdown();
            accountWatcher?.Dispose();
            idle.Stop();
            var sessions = registry.Snapshot().Where(s => !s.IsClosed).ToArray();
            logger.ShutdownStarted(sessions.Length, shutdownTimeout);

            // Every open session is told why (system-shutdown) through its connection, then disconnected.
            var closes = sessions.Select(s => closer.CloseAsync(s, SessionCloseReason.SystemShutdown, TimeSpan.Zero, CancellationToken.None).AsTask()).ToArray();
            try
            {
                await WaitForClosesAsync(closes).WaitAsync(shutdownTimeout, time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                var stuck = registry.Snapshot().Where(s => s.DisconnectRunning || !s.IsClosed).Select(s => s.Id).ToArray();
                logger.ShutdownTimedOut(shutdownTimeout, stuck.Length, string.Join(", ", stuck.Select(id => id.ToString(CultureInfo.InvariantCulture))));
                CloseStuckSessions();
            }
        }
        finally
        {
            // Triggers still running learn that nobody waits for them any more.
            await lifetime.CancelTriggersAsync().ConfigureAwait(false);
            lifetime.MarkDisposed();
            metrics.Dispose();
            logger.ShutdownCompleted();
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
        foreach (var pair in registry)
        {
            if (pair.Value.TryMarkClosed())
            {
                // Its polite part may not have reached the point where it records the reason.
                pair.Value.Extras.CloseReason ??= SessionCloseReason.SystemShutdown;
                // Its trigger errors go to the log, so the detached run cannot fault.
                Detached.Run(disconnector.DisconnectAsync(pair.Value, CancellationToken.None));
            }
        }
    }

    /// <summary>Waits for shutdown's own closes, then for any close the host started before shutdown.</summary>
    private async Task WaitForClosesAsync(Task<bool>[] closes)
    {
        await Task.WhenAll(closes).ConfigureAwait(false);
        if (disconnector.HasClosesRunning)
        {
            await disconnector.Drained.ConfigureAwait(false);
        }
    }
}
