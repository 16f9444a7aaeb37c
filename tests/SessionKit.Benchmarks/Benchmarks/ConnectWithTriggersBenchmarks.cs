using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using SessionKit.Benchmarks.Support;

namespace SessionKit.Benchmarks.Benchmarks;

/// <summary>
/// <c>ConnectAsync</c> + <c>DisconnectAsync</c> with 3 synchronous triggers on <c>on_connect</c> and 3 on
/// <c>on_disconnect</c>. Floor (the baseline, issue 13 "Performance"): a plain connect + disconnect on a manager
/// without triggers, two <see cref="AsyncLocal{T}"/> set + restore pairs (the session made current while each list
/// runs, which the design requires) and 6 calls of the same delegates through an array. Budget: ratio ≤ 2.
/// </summary>
/// <remarks>
/// <para>
/// The two <c>Floor_AllocAddRemove_…</c> rows are the floors before issue 13, kept for comparison with earlier runs:
/// the floor of <see cref="ConnectBenchmarks"/> plus 6 direct calls (the old baseline, budget ≤ 3), and the same plus
/// the two <see cref="AsyncLocal{T}"/> pairs.
/// </para>
/// <para>
/// The delegates are instance fields set in the constructor, not <c>static readonly</c>: the JIT treats a
/// <c>static readonly</c> delegate as a constant and may inline its target, which no trigger list can have.
/// </para>
/// </remarks>
public class ConnectWithTriggersBenchmarks
{
    private readonly Func<SessionTriggerContext, ValueTask> _first;
    private readonly Func<SessionTriggerContext, ValueTask> _second;
    private readonly Func<SessionTriggerContext, ValueTask> _third;
    private readonly ConcurrentDictionary<ulong, FloorSession> _floor = new();
    private readonly AsyncLocal<object?> _local = new();
    private Func<SessionTriggerContext, ValueTask>[] _triggers = [];
    private ulong _lastId;
    private SessionManager _plainManager = null!;
    private SessionManager _manager = null!;

    public ConnectWithTriggersBenchmarks()
    {
        _first = static _ => default;
        _second = static _ => default;
        _third = static _ => default;
    }

    [GlobalSetup]
    public void Setup()
    {
        _triggers = [_first, _second, _third];
        _plainManager = new SessionManager(directory: new FastUserDirectory());
        _manager = new SessionManager(directory: new FastUserDirectory());
        foreach (var trigger in _triggers)
        {
            _manager.OnConnect.Add(trigger);
            _manager.OnDisconnect.Add(trigger);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _plainManager.Dispose();
        _manager.Dispose();
    }

    [Benchmark(Baseline = true)]
    public Session Floor_PlainConnectDisconnect_2AsyncLocal_6ListCalls()
    {
        var session = Wait.For(_plainManager.ConnectAsync(SessionType.Binary));
        var context = new SessionTriggerContext(session, CancellationToken.None);
        RunAsCurrent(session, context);
        RunAsCurrent(session, context);
        Wait.For(_plainManager.DisconnectAsync(session));
        return session;
    }

    [Benchmark]
    public FloorSession Floor_AllocAddRemove_6Calls()
    {
        var session = new FloorSession(++_lastId);
        _floor.TryAdd(session.Id, session);
        var context = new SessionTriggerContext(null!, CancellationToken.None);
        _first(context).GetAwaiter().GetResult();
        _second(context).GetAwaiter().GetResult();
        _third(context).GetAwaiter().GetResult();
        _floor.TryRemove(session.Id, out _);
        _first(context).GetAwaiter().GetResult();
        _second(context).GetAwaiter().GetResult();
        _third(context).GetAwaiter().GetResult();
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
        _first(context).GetAwaiter().GetResult();
        _second(context).GetAwaiter().GetResult();
        _third(context).GetAwaiter().GetResult();
        _local.Value = previous;
        _floor.TryRemove(session.Id, out _);
        previous = _local.Value;
        _local.Value = session;
        _first(context).GetAwaiter().GetResult();
        _second(context).GetAwaiter().GetResult();
        _third(context).GetAwaiter().GetResult();
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

    // One list run of the floor: the session current while the 3 delegates run through the array, then restored.
    // Inlined, so that the floor pays no call of its own.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void RunAsCurrent(Session session, SessionTriggerContext context)
    {
        var previous = _local.Value;
        _local.Value = session;
        var triggers = _triggers;
        for (var i = 0; i < triggers.Length; i++)
        {
            triggers[i](context).GetAwaiter().GetResult();
        }

        _local.Value = previous;
    }
}
