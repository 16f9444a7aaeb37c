namespace SessionKit.Samples.TarantoolServer.Hosting;

/// <summary>Counts one connection's requests still running after they yielded, so the connection can wait for them.</summary>
internal sealed class InFlight
{
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Starts at 1: the reader's own hold, released by WaitAsync, so the count reaches 0 only once reading ended.
    private int _count = 1;

    public void Add() => Interlocked.Increment(ref _count);

    public void Done()
    {
        if (Interlocked.Decrement(ref _count) == 0)
        {
            _idle.TrySetResult();
        }
    }

    /// <summary>Releases the reader's hold and waits for the requests still running.</summary>
    public Task WaitAsync()
    {
        Done();
        return _idle.Task;
    }
}
