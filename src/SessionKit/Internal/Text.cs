namespace SessionKit.Internal;

/// <summary>Helpers for putting caller-supplied text into messages safely.</summary>
internal static class Text
{
    /// <summary>The longest piece of caller-supplied text quoted in a message.</summary>
    public const int QuoteLimit = 64;

    /// <summary>Shortens <paramref name="value"/> for a message so a 64 KiB argument never becomes a 64 KiB message.</summary>
    public static string Truncate(string value) =>
        value.Length <= QuoteLimit ? value : string.Concat(value.AsSpan(0, QuoteLimit), "…");
}
