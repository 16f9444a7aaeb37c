using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SessionKit.Internal;

/// <summary>
/// Closes every session when the host starts stopping, before any hosted service's <c>StopAsync</c>: in ASP.NET Core,
/// before Kestrel waits for open connections to end. Each connection is told <see cref="SessionCloseReason.SystemShutdown"/>
/// while the server can still send it, and class triggers still resolve because the container is not yet disposed.
/// </summary>
/// <remarks>
/// A manager nobody resolved is not built just to be shut down: it has no sessions to close. The container's own
/// disposal later finds the manager disposed (its <c>DisposeAsync</c> returns the same shutdown every time).
/// </remarks>
internal sealed class SessionsLifecycleService(SessionManagerSlot slot, ILogger logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (slot.Manager is not { } manager)
        {
            return;
        }

        try
        {
            // The manager bounds its own wait by SessionManagerOptions.ShutdownTimeout; the host's token (its
            // HostOptions.ShutdownTimeout) bounds how long the host waits for it, whichever ends first.
            await manager.DisposeAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Not an error of this service: the host ran out of time. The shutdown goes on, and the container's
            // disposal of the manager waits for what is left of it.
            logger.HostShutdownTimeoutReached();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
