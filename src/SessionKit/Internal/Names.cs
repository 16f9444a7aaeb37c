namespace SessionKit.Internal;

/// <summary>Validation of user and host names supplied by callers.</summary>
internal static class Names
{
    /// <summary>The longest user, host or resource name accepted.</summary>
    public const int MaxLength = 256;

    /// <summary>Throws when <paramref name="value"/> is not a usable name; the exception names <paramref name="parameterName"/>.</summary>
    public static void Validate(string? value, string parameterName, string what = "user name")
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

        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                throw new ArgumentException($"The {what} must not contain control characters.", parameterName);
            }
        }
    }
}
