namespace SessionKit.Internal;

/// <summary>Lets work nobody awaits any more finish on its own: a run started from a synchronous caller, or a task given up on.</summary>
internal static class Detached
{
    /// <summary>Only for runs whose errors go to a sink or the log, so the task cannot fault unobserved.</summary>
    public static void Run(ValueTask pending)
    {
        if (pending.IsCompletedSuccessfully)
        {
            pending.GetAwaiter().GetResult();
        }
        else
        {
            _ = pending.AsTask();
        }
    }

    /// <summary>
    /// Observes a task given up on (timed out or abandoned): a fault it ends with later stays out of
    /// <see cref="TaskScheduler.UnobservedTaskException"/>.
    /// </summary>
    public static void Observe(Task task)
    {
        if (!task.IsCompleted)
        {
            _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        else
        {
            _ = task.Exception;
        }
    }
}
