using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SessionKit.Internal;

/// <summary>Formats a peer endpoint the way Tarantool's <c>box.session.peer()</c> does, and checks the result.</summary>
internal static class PeerFormatter
{
    /// <summary>The default longest peer text accepted (a DNS name of 253 characters with a port fits).</summary>
    public const int DefaultMaxLength = 512;

    /// <summary>Formats <paramref name="endPoint"/> and checks the text.</summary>
    /// <exception cref="ArgumentException">
    /// The text is longer than <paramref name="maxLength"/>, or has control characters or lone surrogates (a custom
    /// <c>EndPoint.ToString()</c> or a <see cref="DnsEndPoint"/> host can carry anything a client chose, and the
    /// peer is logged and shown to administrators). The message names <paramref name="label"/> and the bound, never
    /// the text.
    /// </exception>
    public static string? Format(EndPoint? endPoint, int maxLength, string parameterName, string label)
    {
        var peer = Format(endPoint);
        if (peer is not null)
        {
            Check(peer, maxLength, parameterName, label);
        }

        return peer;
    }

    private static string? Format(EndPoint? endPoint) => endPoint switch
    {
        null => null,
        IPEndPoint ip when ip.Address.AddressFamily == AddressFamily.InterNetworkV6 =>
            string.Create(CultureInfo.InvariantCulture, $"[{ip.Address}]:{ip.Port}"),
        IPEndPoint ip => string.Create(CultureInfo.InvariantCulture, $"{ip.Address}:{ip.Port}"),
        UnixDomainSocketEndPoint unix => "unix/:" + unix.ToString(),
        DnsEndPoint dns => string.Create(CultureInfo.InvariantCulture, $"{dns.Host}:{dns.Port}"),
        _ => endPoint.ToString(),
    };

    private static void Check(string peer, int maxLength, string parameterName, string label)
    {
        if (peer.Length > maxLength)
        {
            throw new ArgumentException(
                $"{label} is invalid: its text must be at most {maxLength} characters long (SessionManagerOptions.MaxPeerLength); it has {peer.Length}.",
                parameterName);
        }

        if (peer.AsSpan().ContainsAnyInRange('\u0000', '\u001F') || peer.AsSpan().ContainsAnyInRange('\u007F', '\u009F'))
        {
            throw new ArgumentException($"{label} is invalid: its text must not contain control characters.", parameterName);
        }

        if (Text.HasLoneSurrogate(peer))
        {
            throw new ArgumentException($"{label} is invalid: its text must be valid UTF-16 text: it has a lone surrogate.", parameterName);
        }
    }
}
