namespace SessionKit.Internal;

/// <summary>Helpers for caller-supplied text: quoting it in messages safely and checking that it is valid UTF-16.</summary>
internal static class Text
{
    /// <summary>The longest piece of caller-supplied text quoted in a message.</summary>
    public const int QuoteLimit = 64;

    /// <summary>Shortens <paramref name="value"/> for a message so a 64 KiB argument never becomes a 64 KiB message.</summary>
    /// <remarks>Never cuts a surrogate pair in half, so the quote stays valid text for any log sink.</remarks>
    public static string Truncate(string value) =>
        value.Length <= QuoteLimit ? value : string.Concat(Names.Shorten(value, QuoteLimit), "…");

    /// <summary>Tells whether <paramref name="value"/> holds a surrogate that is not half of a well-formed pair.</summary>
    /// <remarks>
    /// Such text cannot be encoded as UTF-8 without loss: a strict encoder throws (quoting the character), a lenient
    /// one maps different strings to the same bytes. Every place that encodes client text checks this first.
    /// </remarks>
    public static bool HasLoneSurrogate(ReadOnlySpan<char> value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (!char.IsSurrogate(c))
            {
                continue;
            }

            if (!char.IsHighSurrogate(c) || i + 1 == value.Length || !char.IsLowSurrogate(value[i + 1]))
            {
                return true;
            }

            i++;
        }

        return false;
    }
}
