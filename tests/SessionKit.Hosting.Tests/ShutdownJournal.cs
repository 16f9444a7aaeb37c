namespace SessionKit.Hosting.Tests;

/// <summary>What happened during a host's stop, in the order it happened, from every thread.</summary>
public sealed class ShutdownJournal
{
    private readonly Lock _lock = new();
    private readonly List<string> _entries = [];

    public IReadOnlyList<string> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    public void Add(string entry)
    {
        lock (_lock)
        {
            _entries.Add(entry);
        }
    }
}
