using System.Collections.Concurrent;

namespace SessionKit.Tests.DependencyInjection;

/// <summary>
/// Collects the runs of the triggers one <see cref="TriggerListScenario"/> registers, as "who what" lines, and completes
/// <see cref="Reached"/> once all four triggers ran: some lists run detached from the call that caused them (a destroy's
/// <c>on_user_offline</c>, <c>on_access_denied</c>), so the test waits on this instead of on the call.
/// </summary>
public sealed class TriggerRunProbe(Func<object, string> describe)
{
    private readonly ConcurrentQueue<string> _runs = new();
    private readonly ConcurrentQueue<ScopedTriggerDependency> _dependencies = new();
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposedDuringRun;

    public const int ExpectedRuns = 4;

    public Task Reached => _reached.Task;

    public IReadOnlyList<string> Runs => _runs.ToArray();

    public IReadOnlyList<ScopedTriggerDependency> Dependencies => _dependencies.ToArray();

    public bool DependencyDisposedDuringRun => Volatile.Read(ref _disposedDuringRun) != 0;

    public void Record(string who, object context, ScopedTriggerDependency? dependency = null)
    {
        if (dependency is not null)
        {
            if (dependency.Disposed)
            {
                Volatile.Write(ref _disposedDuringRun, 1);
            }

            _dependencies.Enqueue(dependency);
        }

        _runs.Enqueue($"{who} {describe(context)}");
        if (_runs.Count >= ExpectedRuns)
        {
            _reached.TrySetResult();
        }
    }
}
