using BenchmarkDotNet.Attributes;
namespace SessionKit.Benchmarks.Benchmarks;

/// <summary>
/// A <c>Su</c> scope entered and disposed, against an <see cref="AsyncLocal{T}"/> set + restore. The caller is the
/// background user (admin), so the default policy allows the switch; the user directory is the default
/// <see cref="InMemoryUserDirectory"/>. Budget: ratio ≤ 1.5 and no allocation beyond the ExecutionContext's own.
/// </summary>
public class SuBenchmarks
{
    private readonly AsyncLocal<object?> _local = new();
    private readonly object _value = new();
    private SessionManager _manager = null!;

    [GlobalSetup]
    public void Setup()
    {
        var users = new InMemoryUserDirectory();
        users.AddUser("alice", "secret");
        _manager = new SessionManager(directory: users);
    }

    [GlobalCleanup]
    public void Cleanup() => _manager.Dispose();

    [Benchmark(Baseline = true)]
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
