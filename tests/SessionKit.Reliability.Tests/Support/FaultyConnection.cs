namespace SessionKit.Reliability.Tests.Support;

/// <summary>A connection whose close runs a test-given fault (throw, cancel, hang on a gate); sends succeed.</summary>
public sealed class FaultyConnection : ISessionConnection
{
    private int _closes;

    /// <summary>Gets or sets what every close does; <see langword="null"/> completes at once.</summary>
    public Func<CancellationToken, ValueTask>? OnClose { get; set; }

    /// <summary>Gets how often the manager called <see cref="CloseAsync"/>.</summary>
    public int Closes => Volatile.Read(ref _closes);

    public ValueTask SendAsync(object message, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask CloseAsync(SessionCloseReason reason, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _closes);
        return OnClose is { } fault ? fault(cancellationToken) : ValueTask.CompletedTask;
    }
}
