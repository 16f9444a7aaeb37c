using System.Diagnostics;

namespace SessionKit.Internal;

/// <summary>The spans SessionKit starts. <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null, at no cost, when nobody listens.</summary>
internal static class SessionActivities
{
    public const string Connect = "sessionkit.connect";
    public const string Authenticate = "sessionkit.authenticate";
    public const string Disconnect = "sessionkit.disconnect";

    private const string SessionIdTag = "sessionkit.session.id";
    private const string SessionTypeTag = "sessionkit.session.type";
    private const string PeerAddressTag = "network.peer.address";
    private const string PeerPortTag = "network.peer.port";

    public static readonly ActivitySource Source = new(SessionKitDiagnostics.ActivitySourceName, typeof(SessionActivities).Assembly.GetName().Version?.ToString());

    public static Activity? Start(string name, Session? session)
    {
        var activity = Source.StartActivity(name, ActivityKind.Internal);
        if (activity is not null && session is not null)
        {
            activity.SetTag(SessionIdTag, session.Id);
            activity.SetTag(SessionTypeTag, session.Type.Name);
            if (session.Peer is { } peer)
            {
                // The conventions want the address without the port, and the port as a number of its own. Only an IP
                // endpoint as PeerFormatter writes it splits; anything else (a DNS name, a Unix socket path, a
                // host's own text) goes whole into the address, as no port can be told apart from it safely.
                if (PeerEndpoint.TrySplit(peer, out var address, out var port))
                {
                    activity.SetTag(PeerAddressTag, address);
                    activity.SetTag(PeerPortTag, port);
                }
                else
                {
                    activity.SetTag(PeerAddressTag, peer);
                }
            }
        }

        return activity;
    }
}
