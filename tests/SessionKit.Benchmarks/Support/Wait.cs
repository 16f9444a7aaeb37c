namespace SessionKit.Benchmarks.Support;

/// <summary>Takes the result of a <see cref="ValueTask"/> that is expected to have completed synchronously, without an await's state machine.</summary>
internal static class Wait
{
    public static T For<T>(ValueTask<T> pending) =>
        pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();

    public static void For(ValueTask pending)
    {
        if (pending.IsCompletedSuccessfully)
        {
            pending.GetAwaiter().GetResult();
        }
        else
        {
            pending.AsTask().GetAwaiter().GetResult();
        }
    }
}
