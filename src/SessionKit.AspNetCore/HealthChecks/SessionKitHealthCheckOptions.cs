namespace SessionKit.AspNetCore;

/// <summary>
/// Thresholds of the SessionKit health check (<see cref="SessionKitHealthChecksBuilderExtensions.AddSessionKitHealthCheck"/>),
/// kept as named options under the check's registration name.
/// </summary>
public sealed class SessionKitHealthCheckOptions
{
    /// <summary>Gets or sets the number of open sessions from which the check reports <c>Degraded</c>.</summary>
    /// <value><see langword="null"/>: never degraded by the count. Otherwise at least 1.</value>
    public int? DegradedSessionCount { get; set; }

    /// <summary>Gets or sets the number of open sessions from which the check reports its failure status (<c>Unhealthy</c> by default).</summary>
    /// <value><see langword="null"/>: never failing by the count. Otherwise at least 1.</value>
    public int? UnhealthySessionCount { get; set; }
}
