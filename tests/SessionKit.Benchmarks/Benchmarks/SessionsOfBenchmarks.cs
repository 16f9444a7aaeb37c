using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using SessionKit.Benchmarks.Support;

namespace SessionKit.Benchmarks.Benchmarks;

/// <summary>
/// <c>SessionsOf(user)</c> for a user with 4 sessions. The issue sets no time budget, only allocation: 0 B beyond the
/// snapshot array (a <c>Session[4]</c> is 56 B on 64-bit). The baseline is the floor of any O(k) snapshot: one
/// concurrent-dictionary lookup by name and a <see cref="List{T}.ToArray"/> under a lock; its ratio is informational.
/// </summary>
public class SessionsOfBenchmarks
{
    private readonly ConcurrentDictionary<string, List<Session>> _floor = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private SessionManager _manager = null!;

    [GlobalSetup]
    public void Setup()
    {
        _manager = new SessionManager(directory: new FastUserDirectory("alice", "bob"));
        var sessions = new List<Session>();
        for (var i = 0; i < 4; i++)
        {
            sessions.Add(Wait.For(_manager.ConnectAsync(new ConnectOptions { User = "alice" })));
            Wait.For(_manager.ConnectAsync(new ConnectOptions { User = "bob" }));
        }

        _floor["alice"] = sessions;
        if (_manager.Users.SessionsOf("alice").Count != 4)
        {
            throw new InvalidOperationException("alice should have 4 sessions.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _manager.Dispose();

    [Benchmark(Baseline = true)]
    public Session[] Floor_LookupAndCopy()
    {
        var list = _floor.TryGetValue("alice", out var sessions) ? sessions : null;
        if (list is null)
        {
            return [];
        }

        lock (_lock)
        {
            return list.ToArray();
        }
    }

    [Benchmark]
    public IReadOnlyList<Session> SessionsOf_4() => _manager.Users.SessionsOf("alice");
}
