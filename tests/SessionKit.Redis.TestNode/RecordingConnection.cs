namespace SessionKit.Redis.TestNode;

/// <summary>A session's transport: writes what the session is sent and why it closed as event lines on stdout.</summary>
internal sealed class RecordingConnection(NodeOutput output) : ISessionConnection
{
    public ulong Id { get; set; }

    public ValueTask SendAsync(object message, CancellationToken cancellationToken)
    {
        output.Event($"received {Id} {message}");
        return default;
    }

    public ValueTask CloseAsync(SessionCloseReason reason, CancellationToken cancellationToken)
    {
        output.Event($"closed {Id} {reason.Condition}");
        return default;
    }
}
