using Microsoft.Extensions.Options;

namespace SessionKit.AspNetCore.Internal;

/// <summary>Checks <see cref="SessionKitAspNetCoreOptions"/> at host start (<c>ValidateOnStart</c>), naming the option and its rule.</summary>
internal sealed class SessionKitAspNetCoreOptionsValidator : IValidateOptions<SessionKitAspNetCoreOptions>
{
    public ValidateOptionsResult Validate(string? name, SessionKitAspNetCoreOptions options)
    {
        var failures = new List<string>();
        if (options.CloseTimeout <= TimeSpan.Zero && options.CloseTimeout != Timeout.InfiniteTimeSpan)
        {
            failures.Add($"{nameof(SessionKitAspNetCoreOptions.CloseTimeout)} must be positive or Timeout.InfiniteTimeSpan; it is {options.CloseTimeout}.");
        }

        if (string.IsNullOrWhiteSpace(options.HubClientMethod))
        {
            failures.Add($"{nameof(SessionKitAspNetCoreOptions.HubClientMethod)} must name a client method.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
