using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace SessionKit.Tests.TestSupport;

/// <summary>What the tests add to Microsoft.Extensions.Diagnostics.Testing's fake logging that it leaves to the caller.</summary>
public static class FakeLoggingExtensions
{
    /// <summary>
    /// Formats <paramref name="value"/> as it shows in <see cref="FakeLogRecord.StructuredState"/>: FakeLogger keeps the
    /// state's values as invariant strings, not as the objects logged.
    /// </summary>
    public static string? AsLogged(this object? value) => Convert.ToString(value, CultureInfo.InvariantCulture);

    /// <summary>Makes a logger factory that passes every level to <paramref name="provider"/> (a factory's default minimum is Information).</summary>
    public static ILoggerFactory CreateFactory(this FakeLoggerProvider provider) =>
        LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(provider));
}
