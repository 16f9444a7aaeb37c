using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SessionKit.Internal;

/// <summary>Formats a peer endpoint the way Tarantool's <c>box.session.peer()</c> does.</summary>
internal static class PeerFormatter
{
    public static string? Format(EndPoint? endPoint) => endPoint switch
    {
        null => null,
        IPEndPoint ip when ip.Address.AddressFamily == AddressFamily.InterNetworkV6 =>
            string.Create(CultureInfo.InvariantCulture, $"[{ip.Address}]:{ip.Port}"),
        IPEndPoint ip => string.Create(CultureInfo.InvariantCulture, $"{ip.Address}:{ip.Port}"),
        UnixDomainSocketEndPoint unix => "unix/:" + unix.ToString(),
        DnsEndPoint dns => string.Create(CultureInfo.InvariantCulture, $"{dns.Host}:{dns.Port}"),
        _ => endPoint.ToString(),
    };
}
