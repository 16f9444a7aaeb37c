using System.Collections.Concurrent;

namespace SessionKit.Tests.PerUser;

/// <summary>
/// A connection that tells when a send or a close starts, and whose sends wait for <see cref="SendGate"/>: a gate that
/// is never opened makes a client that stopped reading.
/// </summary>
public sealed class GatedConnection : ISessionConnection
{
    private readonly ConcurrentQueue<object> _sent = new();
    private readonly ConcurrentQueue<SessionCloseReason> _closes = new();
    private readonly TaskCompletionSource _sendStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closeStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Gets or sets the task every send waits for; <see langword="null"/> for sends that complete at once.</summary>
    public Task? SendGate { get; set; }

    /// <summary>Gets or sets the task every close waits for; <see langword="null"/> for closes that complete at once.</summary>
    public Task? CloseGate { get; set; }

    public IReadOnlyList<object> Sent => _sent.ToArray();

    public IReadOnlyList<SessionCloseReason> Closes => _closes.ToArray();

    /// <summary>Gets a task that completes when the first send starts.</summary>
    public Task SendStarted => _sendStarted.Task;

    /// <summary>Gets a task that completes when the first close starts.</summary>
    public Task CloseStarted => _closeStarted.Task;

    public ValueTask SendAsync(object message, CancellationToken cancellationToken)
    {
        _sendStarted.TrySetResult();
        if (SendGate is not { } gate)
        {
            _sent.Enqueue(message);
            return default;
        }

        return WaitThenRecordAsync(gate, message, cancellationToken);
    }

    public async ValueTask CloseAsync(SessionCloseReason reason, CancellationToken cancellationToken)
    {
        _closes.Enqueue(reason);
        _closeStarted.TrySetResult();
        if (CloseGate is { } gate)
        {
            await gate.WaitAsync(cancellationToken);
        }
    }

    private async ValueTask WaitThenRecordAsync(Task gate, object message, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        _sent.Enqueue(message);
    }
}
