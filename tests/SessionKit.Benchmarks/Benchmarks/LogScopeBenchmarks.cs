using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging;
using SessionKit.Benchmarks.Support;

namespace SessionKit.Benchmarks.Benchmarks;

/// <summary>
/// The cost of <see cref="SessionLoggerExtensions.BeginSessionScope"/> (issue 14, point 6): a request scope alone
/// (<c>Enter</c> + dispose, the baseline) against a request scope with the session log scope inside it, opened on a
/// logger from <see cref="LoggerFactory"/> whose provider has scopes enabled. The helper is opt-in: request paths that
/// do not call it keep the baseline's cost.
/// </summary>
public class LogScopeBenchmarks
{
    private SessionManager _manager = null!;
    private Session _session = null!;
    private ILoggerFactory _factory = null!;
    private ILogger _logger = null!;

    [GlobalSetup]
    public void Setup()
    {
        _manager = new SessionManager(directory: new FastUserDirectory());
        _session = Wait.For(_manager.ConnectAsync(SessionType.Binary));
        _factory = LoggerFactory.Create(b => b.AddProvider(new ScopedLoggerProvider()));
        _logger = _factory.CreateLogger("Host.Requests");
        using (_manager.Enter(_session, 42))
        {
            using var scope = _logger.BeginSessionScope(_manager);
            if (scope is null)
            {
                throw new InvalidOperationException("The benchmark's logger opened no scope; it would measure nothing.");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _manager.Dispose();
        _factory.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void Enter_Dispose()
    {
        using (_manager.Enter(_session, 42))
        {
        }
    }

    [Benchmark]
    public void Enter_BeginSessionScope_Dispose()
    {
        using (_manager.Enter(_session, 42))
        {
            using (_logger.BeginSessionScope(_manager))
            {
            }
        }
    }
}
