namespace SessionKit.Hosting.Tests;

/// <summary>A connection that records every close reason it was given, and when, in the journal.</summary>
public sealed class RecordingConnection(ShutdownJournal journal, string name) : ISessionConnection
{
    private readonly ShutdownJournal _journal = journal;
    private readonly List<SessionCloseReason> _reasons = [];

    public string Name { get; } = name;

    public IReadOnlyList<SessionCloseReason> Reasons
    {
        get
        {
            lock (_reasons)
            {
                return [.. _reasons];
            }
        }
    }

    public ValueTask SendAsync(object message, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask CloseAsync(SessionCloseReason reason, CancellationToken cancellationToken)
    {
        lock (_reasons)
        {
            _reasons.Add(reason);
        }

        _journal.Add($"close {Name} {reason.Condition}");
        return ValueTask.CompletedTask;
    }
}
