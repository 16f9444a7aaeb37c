using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace SessionKit.Internal;

/// <summary>Validation of user and host names supplied by callers.</summary>
internal static class Names
{
    /// <summary>The longest user, host or resource name accepted.</summary>
    public const int MaxLength = 256;

    /// <summary>Throws when <paramref name="value"/> is not a usable name; the exception names <paramref name="parameterName"/>.</summary>
    public static void Validate([NotNull] string? value, string parameterName, string what = "user name")
    {
        // The checks are inlined here and every message is built in Throw, so the common (valid) call has no
        // string-formatting locals to set up: this runs on every Su and ChangeUser.
        if (value is null || value.Length == 0 || value.Length > MaxLength)
        {
            Throw(value, parameterName, what);
        }

        var blank = true;
        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                Throw(value, parameterName, what);
            }

            blank &= char.IsWhiteSpace(c);
        }

        if (blank)
        {
            Throw(value, parameterName, what);
        }
    }

    /// <summary>Throws the exception that describes what is wrong with <paramref name="value"/>.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Throw(string? value, string parameterName, string what)
    {
        ArgumentNullException.ThrowIfNull(value, parameterName);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"The {what} must not be empty or whitespace.", parameterName);
        }

        if (value.Length > MaxLength)
        {
            throw new ArgumentException($"The {what} must be at most {MaxLength} characters long; it has {value.Length}.", parameterName);
        }

        throw new ArgumentException($"The {what} must not contain control characters.", parameterName);
    }
}
