using Microsoft.Extensions.Options;

namespace SessionKit.Internal;

/// <summary>
/// Runs the rules of <see cref="SessionManagerOptions"/> (the ones the manager's constructor enforces) when the options
/// are built, so that <c>ValidateOnStart</c> fails the host's start with an <see cref="OptionsValidationException"/>
/// whose message names the option, instead of the first request that resolves the manager.
/// </summary>
/// <remarks>
/// Whether <see cref="SessionManagerOptions.BackgroundUser"/> names a user of the directory is not checked here: the
/// directory is only known to the manager. That check still happens when the manager is built.
/// </remarks>
internal sealed class SessionManagerOptionsValidator : IValidateOptions<SessionManagerOptions>
{
    public ValidateOptionsResult Validate(string? name, SessionManagerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // The manager reads the unnamed options only; named instances are the host's own business.
        if (name is not null && name != Options.DefaultName)
        {
            return ValidateOptionsResult.Skip;
        }

        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex)
        {
            // The message already reads "SessionManagerOptions.<Option> must ...; it is <value>."; the parameter name
            // the constructor needs ("options") says nothing to someone reading a failed host start.
            return ValidateOptionsResult.Fail(WithoutParameterName(ex));
        }
    }

    private static string WithoutParameterName(ArgumentException error)
    {
        var suffix = new ArgumentException(string.Empty, error.ParamName).Message;
        return error.ParamName is not null && error.Message.EndsWith(suffix, StringComparison.Ordinal)
            ? error.Message[..^suffix.Length]
            : error.Message;
    }
}
