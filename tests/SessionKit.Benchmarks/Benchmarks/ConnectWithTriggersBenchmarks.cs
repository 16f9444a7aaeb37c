using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using SessionKit.Benchmarks.Support;

namespace SessionKit.Benchmarks.Benchmarks;

/// <summary>
/// <c>ConnectAsync</c> + <c>DisconnectAsync</c> with 3 synchronous triggers on <c>on_connect</c> and 3 on
/// <c>on_disconnect</c>, against the floor of <see cref="ConnectBenchmarks"/> plus 6 direct calls of the same
/// delegates. Budget: ratio ≤ 3.
/// </summary>
/// <remarks>
/// <c>Floor_…_2AsyncLocal</c> is not the baseline: it adds the two AsyncLocal set + restore pairs any implementation
/// pays to make the session current while its triggers run (the design requires it), so that the part of the ratio
/// that is SessionKit's own can be read off in the same run.
/// </remarks>
public class ConnectWithTriggersBenchmarks
{
    private static readonly Func<SessionTriggerContext, ValueTask> First = static _ => default;
    private static readonly Func<SessionTriggerContext, ValueTask> Second = static _ => default;
    private static readonly Func<SessionTriggerContext, ValueTask> Third = static _ => default;

    private readonly ConcurrentDictionary<ulong, FloorSession> _floor = new();
    private readonly AsyncLocal<object?> _local = new();
    private ulong _lastId;
    private SessionManager _manager = null!;

    [GlobalSetup]
    public void Setup()
    {
        _manager = new SessionManager(directory: new FastUserDirectory());
        foreach (var trigger in new[] { First, Second, Third })
        {
            _manager.OnConnect.Add(trigger);
            _manager.OnDisconnect.Add(trigger);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _manager.Dispose();

    [Benchmark(Baseline = true)]
    public FloorSession Floor_AllocAddRemove_6Calls()
    {
        var session = new FloorSession(++_lastId);
        _floor.TryAdd(session.Id, session);
        var context = new SessionTriggerContext(null!, CancellationToken.None);
        First(context).GetAwaiter().GetResult();
        Second(context).GetAwaiter().GetResult();
        Third(context).GetAwaiter().GetResult();
        _floor.TryRemove(session.Id, out _);
        First(context).GetAwaiter().GetResult();
        Second(context).GetAwaiter().GetResult();
        Third(context).GetAwaiter().GetResult();
        return session;
    }

    [Benchmark]
    public FloorSession Floor_AllocAddRemove_6Calls_2AsyncLocal()
    {
        var session = new FloorSession(++_lastId);
        _floor.TryAdd(session.Id, session);
        var context = new SessionTriggerContext(null!, CancellationToken.None);
        var previous = _local.Value;
        _local.Value = session;
        First(context).GetAwaiter().GetResult();
        Second(context).GetAwaiter().GetResult();
        Third(context).GetAwaiter().GetResult();
        _local.Value = previous;
        _floor.TryRemove(session.Id, out _);
        previous = _local.Value;
        _local.Value = session;
        First(context).GetAwaiter().GetResult();
        Second(context).GetAwaiter().GetResult();
        Third(context).GetAwaiter().GetResult();
        _local.Value = previous;
        return session;
    }

    [Benchmark]
    public Session ConnectDisconnect_3x2Triggers()
    {
        var session = Wait.For(_manager.ConnectAsync(SessionType.Binary));
        Wait.For(_manager.DisconnectAsync(session));
        return session;
    }
}
