using BenchmarkDotNet.Attributes;
using SessionKit.Benchmarks.Support;

namespace SessionKit.Benchmarks.Benchmarks;

/// <summary>
/// <c>Enter</c> + dispose of a request scope. Floor (the baseline): an <see cref="AsyncLocal{T}"/> set of a freshly
/// allocated object the size of SessionKit's ambient value (56 B, checked in the setup) + restore, because a scope with
/// its own request sync needs a new value every time (issue 13, "Performance"). Budget: ratio ≤ 1.5 and no allocation
/// beyond the floor's (that object and the ExecutionContext's own: Alloc Ratio 1.00).
/// </summary>
/// <remarks>
/// <c>AsyncLocal_SetRestore</c>, the floor before issue 13 (a set of one preallocated object), stays as a row for
/// comparison with earlier runs. <c>Enter_Dispose_IdleTimeoutsOn</c> is the same as <c>Enter_Dispose</c> on a manager
/// with <see cref="SessionManagerOptions.IdleTimeout"/> set (its sweep runs every second meanwhile; the session is never due,
/// as a scope exits far more often than the timeout).
/// </remarks>
public class EnterBenchmarks
{
    private readonly AsyncLocal<object?> _local = new();
    private readonly object _value = new();
    private SessionManager _manager = null!;
    private Session _session = null!;
    private SessionManager _idleManager = null!;
    private Session _idleSession = null!;

    [GlobalSetup]
    public void Setup()
    {
        AllocatedSize.CheckFloorAmbientValueMatchesLibrary();
        _manager = new SessionManager(directory: new FastUserDirectory());
        _session = Wait.For(_manager.ConnectAsync(SessionType.Binary));
        _idleManager = new SessionManager(new SessionManagerOptions { IdleTimeout = static (_, _) => TimeSpan.FromMinutes(5) }, new FastUserDirectory());
        _idleSession = Wait.For(_idleManager.ConnectAsync(SessionType.Binary));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _manager.Dispose();
        _idleManager.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void AsyncLocal_SetFreshValueRestore()
    {
        var previous = _local.Value;
        _local.Value = new FloorAmbientValue(_session, 42, null, previous);
        _local.Value = previous;
    }

    [Benchmark]
    public void AsyncLocal_SetRestore()
    {
        var previous = _local.Value;
        _local.Value = _value;
        _local.Value = previous;
    }

    [Benchmark]
    public void Enter_Dispose()
    {
        using (_manager.Enter(_session, 42))
        {
        }
    }

    [Benchmark]
    public void Enter_Dispose_IdleTimeoutsOn()
    {
        using (_idleManager.Enter(_idleSession, 42))
        {
        }
    }
}
