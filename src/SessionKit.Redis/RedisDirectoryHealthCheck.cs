using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SessionKit.Redis;

/// <summary>
/// Reports a <see cref="RedisSessionDirectory"/>'s <see cref="RedisSessionDirectory.Status"/> as a health check:
/// healthy when available, degraded while it resyncs or starts (and while unavailable under
/// <see cref="DirectoryUnavailableBehavior.LocalOnly"/>, which keeps serving), unhealthy while unavailable under
/// <see cref="DirectoryUnavailableBehavior.FailClosed"/> (authentications are refused) or once stopped.
/// </summary>
/// <param name="directory">The directory.</param>
public sealed class RedisDirectoryHealthCheck(RedisSessionDirectory directory) : IHealthCheck
{
    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = directory.Status;
        var data = new Dictionary<string, object> { ["node"] = directory.NodeName, ["incarnation"] = directory.Incarnation, ["status"] = status.ToString() };
        var description = $"Session directory of node {directory.NodeName}: {status}";
        return Task.FromResult(status switch
        {
            DirectoryStatus.Available => HealthCheckResult.Healthy(description, data),
            DirectoryStatus.Unavailable when directory.Options.WhenUnavailable == DirectoryUnavailableBehavior.FailClosed => HealthCheckResult.Unhealthy(description, data: data),
            DirectoryStatus.Stopped => HealthCheckResult.Unhealthy(description, data: data),
            _ => HealthCheckResult.Degraded(description, data: data),
        });
    }
}
