using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace SessionKit.Internal;

/// <summary>
/// Validation of the names callers supply: user names, host names, resources, trigger names and storage keys.
/// </summary>
/// <remarks>
/// Every name: not empty or whitespace, at most a length bound, no control characters, no lone surrogates (text that
/// is not valid UTF-16 cannot be encoded, compared or logged reliably). User and host names also reject <c>@</c> and
/// <c>/</c>, which would make a <c>user@host/resource</c> address ambiguous. Names are never normalised.
/// </remarks>
internal static class Names
{
    /// <summary>The default longest user, host or resource name (and the fixed bound of trigger names and storage keys).</summary>
    public const int DefaultMaxLength = 256;

    /// <summary>The longest a configurable name bound may be set to; also what a <see cref="SessionUser"/> accepts.</summary>
    public const int LengthCeiling = 1024;

    /// <summary>The fixed bound of trigger names and string storage keys (kept for existing callers).</summary>
    public const int MaxLength = DefaultMaxLength;

    /// <summary>Throws when <paramref name="value"/> is not a usable user name.</summary>
    public static void ValidateUser([NotNull] string? value, string parameterName, int maxLength = DefaultMaxLength) =>
        Validate(value, parameterName, "user name", maxLength, addressPart: true);

    /// <summary>Throws when <paramref name="value"/> is not a usable host name.</summary>
    public static void ValidateHost([NotNull] string? value, string parameterName, int maxLength = DefaultMaxLength) =>
        Validate(value, parameterName, "host name", maxLength, addressPart: true);

    /// <summary>Throws when <paramref name="value"/> is not a usable name; the exception names <paramref name="parameterName"/> and the broken rule.</summary>
    public static void Validate([NotNull] string? value, string parameterName, string what, int maxLength = DefaultMaxLength, bool addressPart = false)
    {
        // The checks are inlined here and every message is built in Throw, so the common (valid) call has no
        // string-formatting locals to set up: this runs on every Su and ChangeUser.
        if (value is null || value.Length == 0 || value.Length > maxLength)
        {
            Throw(value, parameterName, what, maxLength, addressPart);
        }

        var blank = true;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsControl(c) || (addressPart && c is '@' or '/'))
            {
                Throw(value, parameterName, what, maxLength, addressPart);
            }

            if (char.IsSurrogate(c))
            {
                // A pair is consumed whole; anything else is a lone half.
                if (!char.IsHighSurrogate(c) || i + 1 == value.Length || !char.IsLowSurrogate(value[i + 1]))
                {
                    Throw(value, parameterName, what, maxLength, addressPart);
                }

                i++;
                blank = false;
                continue;
            }

            blank &= char.IsWhiteSpace(c);
        }

        if (blank)
        {
            Throw(value, parameterName, what, maxLength, addressPart);
        }
    }

    /// <summary>
    /// Builds <c>{baseName}#{suffix}</c> within <paramref name="maxLength"/>: the base is shortened (never inside a
    /// surrogate pair) so that a generated name obeys the same rules as a given one.
    /// </summary>
    public static string WithSuffix(string baseName, int suffix, int maxLength)
    {
        var tail = string.Create(CultureInfo.InvariantCulture, $"#{suffix}");
        var room = Math.Max(0, maxLength - tail.Length);
        return string.Concat(Shorten(baseName, room), tail);
    }

    /// <summary>Returns at most <paramref name="length"/> leading UTF-16 units of <paramref name="value"/>, never ending on half a pair.</summary>
    public static ReadOnlySpan<char> Shorten(string value, int length)
    {
        if (value.Length <= length)
        {
            return value;
        }

        if (length > 0 && char.IsHighSurrogate(value[length - 1]))
        {
            length--;
        }

        return value.AsSpan(0, length);
    }

    /// <summary>Throws the exception that describes what is wrong with <paramref name="value"/>, never quoting it.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Throw(string? value, string parameterName, string what, int maxLength, bool addressPart)
    {
        ArgumentNullException.ThrowIfNull(value, parameterName);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"The {what} must not be empty or whitespace.", parameterName);
        }

        if (value.Length > maxLength)
        {
            throw new ArgumentException($"The {what} must be at most {maxLength} characters long; it has {value.Length}.", parameterName);
        }

        if (Text.HasLoneSurrogate(value))
        {
            throw new ArgumentException($"The {what} must be valid UTF-16 text: it has a lone surrogate.", parameterName);
        }

        if (addressPart && value.AsSpan().IndexOfAny('@', '/') >= 0)
        {
            throw new ArgumentException($"The {what} must not contain '@' or '/' (they separate the parts of a user@host/resource address).", parameterName);
        }

        throw new ArgumentException($"The {what} must not contain control characters.", parameterName);
    }
}
