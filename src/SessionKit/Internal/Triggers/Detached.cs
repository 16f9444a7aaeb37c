namespace SessionKit.Internal;

/// <summary>Lets a run started from a synchronous caller finish on its own.</summary>
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
}
