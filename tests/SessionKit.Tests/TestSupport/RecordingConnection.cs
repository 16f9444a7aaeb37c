using System.Collections.Concurrent;

namespace SessionKit.Tests.TestSupport;

/// <summary>An <see cref="ISessionConnection"/> that records what was sent and how it was closed; sends and closes can be made to throw or hang.</summary>
public sealed class RecordingConnection : ISessionConnection
{
    private readonly ConcurrentQueue<object> _sent = new();
    private readonly ConcurrentQueue<SessionCloseReason> _closes = new();

    public IReadOnlyList<object> Sent => _sent.ToArray();

    public IReadOnlyList<SessionCloseReason> Closes => _closes.ToArray();

    /// <summary>Gets or sets an exception every send throws.</summary>
    public Exception? SendFailure { get; set; }

    /// <summary>Gets or sets an exception every close throws.</summary>
    public Exception? CloseFailure { get; set; }

    /// <summary>Gets or sets a task every send waits for before completing (to simulate a hanging send).</summary>
    public Task? SendGate { get; set; }

    /// <summary>Gets or sets a task every close waits for before completing (to simulate a hanging close).</summary>
    public Task? CloseGate { get; set; }

    public async ValueTask SendAsync(object message, CancellationToken cancellationToken)
    {
        if (SendGate is { } gate)
        {
            await gate.WaitAsync(cancellationToken);
        }

        if (SendFailure is { } failure)
        {
            throw failure;
        }

        _sent.Enqueue(message);
    }

    public async ValueTask CloseAsync(SessionCloseReason reason, CancellationToken cancellationToken)
    {
        _closes.Enqueue(reason);
        if (CloseGate is { } gate)
        {
            await gate.WaitAsync(cancellationToken);
        }

        if (CloseFailure is { } failure)
        {
            throw failure;
        }
    }
}
