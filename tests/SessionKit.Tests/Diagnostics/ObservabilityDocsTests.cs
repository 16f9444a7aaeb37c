using System.Diagnostics.Metrics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using SessionKit.Internal;

namespace SessionKit.Tests.Diagnostics;

/// <summary>docs/observability.md lists every log event, instrument and span; these tests keep it equal to the code.</summary>
public sealed partial class ObservabilityDocsTests
{
    [Fact]
    public void LogTable_ListsEveryEvent_WithItsIdNameLevelAndMessage()
    {
        var documented = Section("## Logs").Select(l => LogRow().Match(l)).Where(m => m.Success)
            .Select(m => $"{m.Groups[1].Value} {m.Groups[2].Value} {m.Groups[3].Value} {m.Groups[4].Value}")
            .ToArray();

        var actual = typeof(Log).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>())
            .Where(a => a is not null)
            .OrderBy(a => a!.EventId)
            .Select(a => $"{a!.EventId} {a.EventName} {a.Level} {a.Message}")
            .ToArray();

        actual.Should().NotBeEmpty();
        documented.Should().Equal(actual);
    }

    [Fact]
    public void MetricsTable_ListsEveryInstrument_WithItsKindUnitAndDescription()
    {
        var documented = Section("## Metrics").Select(l => MetricRow().Match(l)).Where(m => m.Success)
            .Select(m => $"{m.Groups[1].Value} {m.Groups[2].Value}<{m.Groups[3].Value}> {m.Groups[4].Value} {m.Groups[6].Value}")
            .ToArray();

        using var manager = new SessionManager();
        var instruments = new List<Instrument>();
        using (var listener = new MeterListener())
        {
            listener.InstrumentPublished = (instrument, _) =>
            {
                if (ReferenceEquals(instrument.Meter, manager.Meter))
                {
                    instruments.Add(instrument);
                }
            };
            listener.Start();
        }

        var actual = instruments
            .Select(i => $"{i.Name} {i.GetType().Name.Split('`')[0]}<{Keyword(i.GetType().GetGenericArguments()[0])}> {i.Unit} {i.Description}")
            .ToArray();

        actual.Should().NotBeEmpty();
        documented.Should().BeEquivalentTo(actual);
    }

    [Fact]
    public void TracesTable_ListsEverySpan()
    {
        var documented = Section("## Traces").Select(l => SpanRow().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToArray();

        var actual = typeof(SessionActivities).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToArray();

        actual.Should().NotBeEmpty();
        documented.Should().BeEquivalentTo(actual);
    }

    private static string Keyword(Type type) => type == typeof(long) ? "long" : type == typeof(double) ? "double" : type == typeof(int) ? "int" : type.Name;

    private static IReadOnlyList<string> Section(string heading)
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), "docs", "observability.md"));
        var start = Array.IndexOf(lines, heading);
        start.Should().BeGreaterThanOrEqualTo(0, $"docs/observability.md has a '{heading}' section");
        return lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal)).ToArray();
    }

    private static string RepositoryRoot([CallerFilePath] string sourceFile = "")
    {
        // Above the test binaries in an ordinary build; from this file's path when the binaries live elsewhere.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SessionKit.sln")))
            {
                return dir.FullName;
            }
        }

        var fromSource = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile)!, "..", "..", ".."));
        File.Exists(Path.Combine(fromSource, "SessionKit.sln")).Should().BeTrue("the repository root should be found");
        return fromSource;
    }

    [GeneratedRegex(@"^\| (\d+) \| `(\w+)` \| (\w+) \| `(.+?)` \|")]
    private static partial Regex LogRow();

    [GeneratedRegex(@"^\| `(sessionkit\.[\w.]+)` \| (\w+)&lt;(\w+)&gt; \| `(.+?)` \| `(.+?)` \| `(.+?)` \|")]
    private static partial Regex MetricRow();

    [GeneratedRegex(@"^\| `(sessionkit\.\w+)` \|")]
    private static partial Regex SpanRow();
}
