using Microsoft.Extensions.Options;

namespace SessionKit.AspNetCore.Internal;

/// <summary>Checks <see cref="SessionKitAspNetCoreOptions"/> at host start (<c>ValidateOnStart</c>), naming the option and its rule.</summary>
internal sealed class SessionKitAspNetCoreOptionsValidator : IValidateOptions<SessionKitAspNetCoreOptions>
{
    public ValidateOptionsResult Validate(string? name, SessionKitAspNetCoreOptions options)
    {
        var failures = new List<string>();
        // The timeout feeds timers, which refuse more than about int.MaxValue milliseconds: a longer value (TimeSpan.MaxValue
        // meant as "forever") would pass here and then throw at every close. Same bound as the core's CloseTimeout.
        if (options.CloseTimeout != Timeout.InfiniteTimeSpan && (options.CloseTimeout <= TimeSpan.Zero || options.CloseTimeout.TotalMilliseconds > int.MaxValue))
        {
            failures.Add($"{nameof(SessionKitAspNetCoreOptions.CloseTimeout)} must be positive and at most {int.MaxValue} ms, or Timeout.InfiniteTimeSpan; it is {options.CloseTimeout}.");
        }

        if (string.IsNullOrWhiteSpace(options.HubClientMethod))
        {
            failures.Add($"{nameof(SessionKitAspNetCoreOptions.HubClientMethod)} must name a client method.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
