namespace SessionKit;

/// <summary>The names under which SessionKit publishes metrics and traces, for OpenTelemetry's <c>AddMeter</c> and <c>AddSource</c>.</summary>
public static class SessionKitDiagnostics
{
    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> every manager publishes its instruments on.</summary>
    public const string MeterName = "SessionKit";

    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/> for connect, authenticate and disconnect spans.</summary>
    public const string ActivitySourceName = "SessionKit";
}
