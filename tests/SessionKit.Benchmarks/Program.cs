using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using SessionKit.Benchmarks.Scale;

namespace SessionKit.Benchmarks;

/// <summary>
/// Entry point. With <c>scale</c> as the first argument it runs the scale mode (not BenchmarkDotNet); otherwise it hands
/// the arguments to <see cref="BenchmarkSwitcher"/>. <c>--quick</c> is shorthand for BenchmarkDotNet's <c>--job short</c>.
/// The exit code is non-zero when no benchmark matched or any benchmark failed, so CI notices a benchmark that rotted.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && string.Equals(args[0], "scale", StringComparison.OrdinalIgnoreCase))
        {
            return ScaleRunner.Run(args[1..]);
        }

        if (args.Length > 0 && string.Equals(args[0], "redis", StringComparison.OrdinalIgnoreCase))
        {
            return SessionKit.Benchmarks.Redis.RedisBench.Run(args[1..]);
        }

        args = [.. args.SelectMany(a => a == "--quick" ? new[] { "--job", "short" } : new[] { a })];
        var config = DefaultConfig.Instance
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(40))
            .WithOptions(ConfigOptions.DisableLogFile);

        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config).ToArray();
        if (args.Contains("--list") || args.Contains("--help") || args.Contains("--version") || args.Contains("--info"))
        {
            return 0;
        }

        if (summaries.Length == 0 || summaries.All(s => s.BenchmarksCases.Length == 0))
        {
            Console.Error.WriteLine("No benchmark ran: check the --filter pattern.");
            return 2;
        }

        var failed = summaries.SelectMany(s => s.Reports).Where(r => !r.Success).Select(r => r.BenchmarkCase.DisplayInfo).ToArray();
        var invalid = summaries.Any(s => s.HasCriticalValidationErrors);
        foreach (var name in failed)
        {
            Console.Error.WriteLine($"Benchmark failed: {name}");
        }

        return failed.Length == 0 && !invalid ? 0 : 1;
    }
}
