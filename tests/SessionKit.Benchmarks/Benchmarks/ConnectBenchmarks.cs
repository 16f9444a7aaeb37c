using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using SessionKit.Benchmarks.Support;

namespace SessionKit.Benchmarks.Benchmarks;

/// <summary>
/// <c>ConnectAsync</c> + <c>DisconnectAsync</c> with no triggers, against the floor: allocate a small object, add it to a
/// <see cref="ConcurrentDictionary{TKey, TValue}"/> and remove it. Budget: ratio ≤ 3.
/// </summary>
public class ConnectBenchmarks
{
    private readonly ConcurrentDictionary<ulong, FloorSession> _floor = new();
    private ulong _lastId;
    private SessionManager _manager = null!;

    [GlobalSetup]
    public void Setup() => _manager = new SessionManager(directory: new FastUserDirectory());

    [GlobalCleanup]
    public void Cleanup() => _manager.Dispose();

    [Benchmark(Baseline = true)]
    public FloorSession Floor_AllocAddRemove()
    {
        var session = new FloorSession(++_lastId);
        _floor.TryAdd(session.Id, session);
        _floor.TryRemove(session.Id, out _);
        return session;
    }

    [Benchmark]
    public Session ConnectDisconnect()
    {
        var session = Wait.For(_manager.ConnectAsync(SessionType.Binary));
        Wait.For(_manager.DisconnectAsync(session));
        return session;
    }
}
