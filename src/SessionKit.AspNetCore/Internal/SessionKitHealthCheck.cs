using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SessionKit.AspNetCore.Internal;

/// <summary>The check behind <see cref="SessionKitHealthChecksBuilderExtensions.AddSessionKitHealthCheck"/>.</summary>
internal sealed class SessionKitHealthCheck(SessionManager manager, SessionKitHealthCheckOptions options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        int count;
        try
        {
            count = manager.Count;
        }
        catch (ObjectDisposedException)
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, "The session manager is disposed."));
        }

        var data = new Dictionary<string, object> { ["sessions"] = count };
        if (options.UnhealthySessionCount is { } unhealthy && count >= unhealthy)
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, $"{count} open sessions (limit {unhealthy}).", data: data));
        }

        if (options.DegradedSessionCount is { } degraded && count >= degraded)
        {
            return Task.FromResult(HealthCheckResult.Degraded($"{count} open sessions (degraded from {degraded}).", data: data));
        }

        return Task.FromResult(HealthCheckResult.Healthy($"{count} open sessions.", data));
    }
}
