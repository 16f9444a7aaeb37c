using Microsoft.Extensions.Hosting;

namespace SessionKit.Hosting.Tests;

/// <summary>
/// An ordinary hosted service that notes when its <c>StopAsync</c> runs. Registered after <c>AddSessions</c>, so the
/// host stops it first of all hosted services (they stop in reverse order): whatever SessionKit did before it, it did
/// before every hosted service's <c>StopAsync</c>, the server's drain among them.
/// </summary>
public sealed class StopOrderProbe(ShutdownJournal journal) : IHostedService
{
    public const string Entry = "probe StopAsync";

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        journal.Add(Entry);
        return Task.CompletedTask;
    }
}
