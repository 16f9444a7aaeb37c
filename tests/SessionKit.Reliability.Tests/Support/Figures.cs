using System.Collections.Concurrent;
using System.Globalization;

namespace SessionKit.Reliability.Tests.Support;

/// <summary>
/// The figures docs/reliability.md quotes (operations run, faults injected, bad inputs tried, histories checked, model
/// sequences). Each test prints its own line through <see cref="ITestOutputHelper"/>; when the environment variable
/// <c>SESSIONKIT_FIGURES_FILE</c> names a file, the line is appended there too, so one run of the suite collects them all.
/// </summary>
public static class Figures
{
    private static readonly Lock FileLock = new();

    public static void Report(ITestOutputHelper output, string test, params (string Name, object Value)[] figures)
    {
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"[figures] {test}: {string.Join(", ", figures.Select(f => $"{f.Name}={Format(f.Value)}"))}");
        output.WriteLine(line);
        if (Environment.GetEnvironmentVariable("SESSIONKIT_FIGURES_FILE") is { Length: > 0 } path)
        {
            lock (FileLock)
            {
                File.AppendAllText(path, line + Environment.NewLine);
            }
        }
    }

    private static string Format(object value) => value switch
    {
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}

/// <summary>Reads the size knobs of the bounded tests from the environment.</summary>
public static class Knobs
{
    public static int Int(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
}
