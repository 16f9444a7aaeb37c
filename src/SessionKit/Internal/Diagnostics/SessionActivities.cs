using System.Diagnostics;

namespace SessionKit.Internal;

/// <summary>The spans SessionKit starts. <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null, at no cost, when nobody listens.</summary>
internal static class SessionActivities
{
    public const string Connect = "sessionkit.connect";
    public const string Authenticate = "sessionkit.authenticate";
    public const string Disconnect = "sessionkit.disconnect";

    public static readonly ActivitySource Source = new(SessionKitDiagnostics.ActivitySourceName, typeof(SessionActivities).Assembly.GetName().Version?.ToString());

    public static Activity? Start(string name, Session? session)
    {
        var activity = Source.StartActivity(name, ActivityKind.Internal);
        if (activity is not null && session is not null)
        {
            activity.SetTag("sessionkit.session.id", session.Id);
            activity.SetTag("sessionkit.session.type", session.Type.Name);
            if (session.Peer is not null)
            {
                activity.SetTag("network.peer.address", session.Peer);
            }
        }

        return activity;
    }
}
