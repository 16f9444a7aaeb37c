using BenchmarkDotNet.Attributes;
using SessionKit.Benchmarks.Support;

namespace SessionKit.Benchmarks.Benchmarks;

/// <summary>
/// A <c>Su</c> scope entered and disposed. Floor (the baseline): an <see cref="AsyncLocal{T}"/> set of a freshly
/// allocated object the size of SessionKit's ambient value (56 B, checked in the setup) + restore, as for
/// <see cref="EnterBenchmarks"/> (issue 13, "Performance"). Budget: ratio ≤ 1.5 and no allocation beyond the floor's
/// (that object and the ExecutionContext's own: Alloc Ratio 1.00).
/// </summary>
/// <remarks>
/// The caller is the background user (admin), so the default policy allows the switch; the user directory is the
/// default <see cref="InMemoryUserDirectory"/>. <c>AsyncLocal_SetRestore</c>, the floor before issue 13 (a set of one
/// preallocated object), stays as a row for comparison with earlier runs.
/// </remarks>
public class SuBenchmarks
{
    private readonly AsyncLocal<object?> _local = new();
    private readonly object _value = new();
    private readonly object _user = new();
    private SessionManager _manager = null!;

    [GlobalSetup]
    public void Setup()
    {
        AllocatedSize.CheckFloorAmbientValueMatchesLibrary();
        var users = new InMemoryUserDirectory();
        users.AddUser("alice", "secret");
        _manager = new SessionManager(directory: users);
    }

    [GlobalCleanup]
    public void Cleanup() => _manager.Dispose();

    [Benchmark(Baseline = true)]
    public void AsyncLocal_SetFreshValueRestore()
    {
        var previous = _local.Value;
        _local.Value = new FloorAmbientValue(null, 0, _user, previous);
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
    public void Su_Dispose()
    {
        using (_manager.Su("alice"))
        {
        }
    }
}
