using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace SessionKit.Internal;

/// <summary>
/// Sets <see cref="SessionManagerOptions"/> from a configuration section: each child key names a property. SessionKit
/// may depend on abstractions only (Microsoft.Extensions.Configuration.Binder is not one), and this binder knows the
/// few value types the options use, so it needs neither the binder nor its source generator to stay trim-safe.
/// </summary>
/// <remarks>
/// Unlike the general binder it refuses what it cannot use, naming the key: an unknown key (a typo would otherwise be
/// ignored silently), a value that does not parse, and a key for a delegate option, which only code can set.
/// </remarks>
internal static class SessionManagerOptionsBinder
{
    // typeof(...).GetProperties on a sealed type known at compile time keeps its properties under trimming.
    private static readonly Dictionary<string, PropertyInfo> Properties = typeof(SessionManagerOptions)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(static p => p.CanWrite)
        .ToDictionary(static p => p.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>Sets every option the section has a key for.</summary>
    /// <exception cref="OptionsValidationException">A key is unknown, sets a delegate, or has a value that does not parse; the message names every such key.</exception>
    public static void Bind(IConfiguration section, SessionManagerOptions options)
    {
        var failures = new List<string>();
        foreach (var child in section.GetChildren())
        {
            if (!Properties.TryGetValue(child.Key, out var property))
            {
                failures.Add($"Configuration key '{child.Path}' is not an option of SessionManagerOptions (the options are: {string.Join(", ", Properties.Keys.Order(StringComparer.Ordinal))}).");
                continue;
            }

            if (child.Value is null && child.GetChildren().Any())
            {
                failures.Add($"Configuration key '{child.Path}' must be a value, not a section (SessionManagerOptions.{property.Name}).");
                continue;
            }

            if (TryConvert(child.Value, property.PropertyType, out var value, out var expected))
            {
                property.SetValue(options, value);
            }
            else
            {
                failures.Add($"Configuration key '{child.Path}' (SessionManagerOptions.{property.Name}) has the value '{Text.Truncate(child.Value ?? string.Empty)}'; {expected}.");
            }
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(SessionManagerOptions), failures);
        }
    }

    private static bool TryConvert(string? text, Type type, out object? value, out string expected)
    {
        value = null;
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null && string.IsNullOrEmpty(text))
        {
            // An empty value clears an optional setting (AuthenticationTimeout = null), as the general binder does.
            expected = string.Empty;
            return true;
        }

        var target = underlying ?? type;
        text ??= string.Empty;
        if (target == typeof(string))
        {
            value = text;
            expected = string.Empty;
            return true;
        }

        if (target == typeof(TimeSpan))
        {
            expected = "it must be a time span such as 00:00:05 ([d.]hh:mm:ss[.fffffff]) or Infinite";
            if (string.Equals(text.Trim(), "Infinite", StringComparison.OrdinalIgnoreCase))
            {
                value = Timeout.InfiniteTimeSpan;
                return true;
            }

            var parsed = TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span);
            value = span;
            return parsed;
        }

        if (target == typeof(int))
        {
            expected = "it must be a whole number";
            var parsed = int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number);
            value = number;
            return parsed;
        }

        if (target == typeof(bool))
        {
            expected = "it must be true or false";
            var parsed = bool.TryParse(text, out var flag);
            value = flag;
            return parsed;
        }

        if (target.IsEnum)
        {
            // Names only (comma-separated for flags): a number would bind values no name documents.
            expected = $"it must be one of {string.Join(", ", Enum.GetNames(target))}";
            return text.Split(',').All(static part => part.Trim() is { Length: > 0 } name && !char.IsAsciiDigit(name[0]) && name[0] != '-')
                && Enum.TryParse(target, text, ignoreCase: true, out value);
        }

        expected = typeof(Delegate).IsAssignableFrom(type)
            ? "this option is a delegate and can only be set in code"
            : $"options of type {type.Name} can only be set in code";
        return false;
    }
}
