using Microsoft.AspNetCore.SignalR;

namespace SessionKit.AspNetCore.Tests.SignalR;

/// <summary>A hub that reports what SessionKit's ambient context says inside its methods.</summary>
public sealed class ProbeHub(SessionManager sessions, HubProbe probe) : Hub
{
    /// <summary>Answers <c>CURRENT-ID USER SYNC TYPE CONTEXT-SESSION-ID</c> as seen inside the hub method.</summary>
    public string Whoami() =>
        $"{sessions.Current?.Id} {sessions.User} {sessions.Sync} {sessions.Type} {Context.GetSession()?.Id}";

    public override Task OnConnectedAsync()
    {
        if (Context.GetHttpContext()?.Request.Query["fail"].ToString() == "1")
        {
            throw new InvalidOperationException("The hub refused the connection.");
        }

        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        probe.OnDisconnected(sessions.Current?.Id ?? 0);
        return base.OnDisconnectedAsync(exception);
    }
}
