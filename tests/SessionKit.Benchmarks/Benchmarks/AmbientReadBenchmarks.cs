using BenchmarkDotNet.Attributes;
using SessionKit.Benchmarks.Support;

namespace SessionKit.Benchmarks.Benchmarks;

/// <summary>
/// Reading the ambient properties inside a request scope, each against one <see cref="AsyncLocal{T}"/> get.
/// Budget: ratio ≤ 3 and 0 B for each.
/// </summary>
/// <remarks>
/// The scope is entered in the global setup. BenchmarkDotNet runs the setup and the benchmark on one thread, so the
/// thread's ExecutionContext keeps the scope; the cleanup fails the run if it did not, rather than report the cost of
/// reading outside any session.
/// </remarks>
public class AmbientReadBenchmarks
{
    private readonly AsyncLocal<object?> _local = new();
    private SessionManager _manager = null!;
    private Session _session = null!;
    private SessionScope _scope;

    [GlobalSetup]
    public void Setup()
    {
        // The baseline's AsyncLocal goes into the ExecutionContext first, so SessionKit's is the one found second.
        _local.Value = new object();
        _manager = new SessionManager(directory: new FastUserDirectory());
        _session = Wait.For(_manager.ConnectAsync(SessionType.Binary));
        _scope = _manager.Enter(_session, 42);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var inScope = _manager.Id == _session.Id && _manager.Sync == 42;
        _scope.Dispose();
        _manager.Dispose();
        if (!inScope)
        {
            throw new InvalidOperationException("The request scope entered in the setup was not current during the benchmark.");
        }
    }

    [Benchmark(Baseline = true)]
    public object? AsyncLocal_Get() => _local.Value;

    [Benchmark]
    public ulong Id() => _manager.Id;

    [Benchmark]
    public Session? Current() => _manager.Current;

    [Benchmark]
    public string User() => _manager.User;

    [Benchmark]
    public string EffectiveUser() => _manager.EffectiveUser;

    [Benchmark]
    public ulong Sync() => _manager.Sync;
}
