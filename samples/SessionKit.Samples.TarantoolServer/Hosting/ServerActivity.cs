namespace SessionKit.Samples.TarantoolServer.Hosting;

/// <summary>Open connections, for tests: they wait until every connection has been fully handled.</summary>
public sealed class ServerActivity
{
    private readonly object _lock = new();
    private int _open;
    private int _faults;
    private TaskCompletionSource _idle = NewIdle(completed: true);

    /// <summary>Gets the number of connections being served.</summary>
    public int Open => Volatile.Read(ref _open);

    /// <summary>Gets how many connections ended with an unexpected exception in the handler (always 0 unless there is a bug).</summary>
    public int Faults => Volatile.Read(ref _faults);

    /// <summary>Waits until no connection is being served (each one's session disconnected and its requests finished).</summary>
    /// <returns>A task that completes when the server is idle.</returns>
    public Task WhenIdleAsync()
    {
        lock (_lock)
        {
            return _idle.Task;
        }
    }

    internal void Faulted() => Interlocked.Increment(ref _faults);

    internal void Opened()
    {
        lock (_lock)
        {
            if (_open++ == 0)
            {
                _idle = NewIdle(completed: false);
            }
        }
    }

    internal void Closed()
    {
        lock (_lock)
        {
            if (--_open == 0)
            {
                _idle.TrySetResult();
            }
        }
    }

    private static TaskCompletionSource NewIdle(bool completed)
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            source.SetResult();
        }

        return source;
    }
}
