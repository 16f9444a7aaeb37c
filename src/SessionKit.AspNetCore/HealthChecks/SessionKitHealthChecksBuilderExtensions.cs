using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using SessionKit.AspNetCore.Internal;

namespace SessionKit.AspNetCore;

/// <summary>Registers the SessionKit health check.</summary>
public static class SessionKitHealthChecksBuilderExtensions
{
    /// <summary>The registration name used when none is given.</summary>
    public const string DefaultName = "sessionkit";

    /// <summary>
    /// Adds a health check of the <see cref="SessionManager"/>: <c>Healthy</c> below the thresholds,
    /// <c>Degraded</c> from <see cref="SessionKitHealthCheckOptions.DegradedSessionCount"/> open sessions, the failure
    /// status from <see cref="SessionKitHealthCheckOptions.UnhealthySessionCount"/>, and the failure status once the
    /// manager is disposed (the host is stopping). The result's data holds the session count.
    /// </summary>
    /// <param name="builder">The builder from <c>services.AddHealthChecks()</c>.</param>
    /// <param name="configure">Sets the thresholds; <see langword="null"/> keeps none.</param>
    /// <param name="name">The check's name, also the name of its <see cref="SessionKitHealthCheckOptions"/>.</param>
    /// <param name="failureStatus">The status reported on failure; <see langword="null"/> for <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter checks by.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="name"/> is null.</exception>
    /// <remarks>The thresholds are validated at host start: one below 1 fails it with an <c>OptionsValidationException</c>.</remarks>
    public static IHealthChecksBuilder AddSessionKitHealthCheck(
        this IHealthChecksBuilder builder,
        Action<SessionKitHealthCheckOptions>? configure = null,
        string name = DefaultName,
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(name);
        var options = builder.Services.AddOptions<SessionKitHealthCheckOptions>(name);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        // 0 open sessions is already "at least 0": a threshold below 1 (a typo for "off", which is null) would report the
        // node degraded or failing from its first moment, and a load balancer would take every node out.
        options
            .Validate(static o => o.DegradedSessionCount is null or >= 1, $"{nameof(SessionKitHealthCheckOptions.DegradedSessionCount)} must be at least 1, or null for none.")
            .Validate(static o => o.UnhealthySessionCount is null or >= 1, $"{nameof(SessionKitHealthCheckOptions.UnhealthySessionCount)} must be at least 1, or null for none.")
            .ValidateOnStart();

        return builder.Add(new HealthCheckRegistration(
            name,
            sp => new SessionKitHealthCheck(sp.GetRequiredService<SessionManager>(), sp.GetRequiredService<IOptionsMonitor<SessionKitHealthCheckOptions>>().Get(name)),
            failureStatus,
            tags));
    }
}
