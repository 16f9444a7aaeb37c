using System.Globalization;
using System.Net;

namespace SessionKit.Internal;

/// <summary>Splits a peer text of the form <c>1.2.3.4:80</c> or <c>[::1]:80</c> into its address and port, for span tags.</summary>
internal static class PeerEndpoint
{
    /// <summary>Splits <paramref name="peer"/> when it is an IP address followed by a port; otherwise returns false.</summary>
    public static bool TrySplit(string peer, out string address, out int port)
    {
        address = peer;
        port = 0;
        var colon = peer.LastIndexOf(':');
        if (colon <= 0 || colon == peer.Length - 1
            || !int.TryParse(peer.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var parsedPort)
            || parsedPort > IPEndPoint.MaxPort)
        {
            return false;
        }

        var host = peer.AsSpan(0, colon);
        if (host.Length > 2 && host[0] == '[' && host[^1] == ']')
        {
            // Bracketed: only an IPv6 address may stand inside.
            host = host[1..^1];
            if (!IPAddress.TryParse(host, out var v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                return false;
            }
        }
        else if (host.Contains(':') || !IPAddress.TryParse(host, out var v4) || v4.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || !host.SequenceEqual(v4.ToString()))
        {
            // An unbracketed IPv6 address ("::1:80") is ambiguous, a DNS name or other text is not an address, and
            // IPAddress.TryParse also takes legacy forms ("10:80" would read as 0.0.0.10), so only the dotted quad counts.
            return false;
        }

        address = host.ToString();
        port = parsedPort;
        return true;
    }
}
