using Microsoft.AspNetCore.SignalR;

namespace SessionKit.AspNetCore.Internal;

/// <summary>A hub connection's session and transport, kept in the connection's items.</summary>
internal sealed class HubSession(Session session, HubSessionConnection connection)
{
    public Session Session => session;

    public HubSessionConnection Connection => connection;

    public static HubSession? Of(HubCallerContext context) =>
        context.Items.TryGetValue(HubItems.Session, out var value) ? value as HubSession : null;
}
