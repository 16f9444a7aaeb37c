using Microsoft.AspNetCore.SignalR;

namespace SessionKit.Samples.WebChat;

/// <summary>The chat for SignalR clients: each method runs inside the caller's session (SessionKit's hub filter).</summary>
public sealed class ChatHub(SessionManager sessions) : Hub
{
    /// <summary>Says <paramref name="text"/> to every hub client, as the session user.</summary>
    public Task Say(string text) => Clients.All.SendAsync("message", sessions.User, text);

    /// <summary>Answers the caller's session id, user, type and request sync.</summary>
    public string Whoami() => $"{sessions.Id} {sessions.User} {sessions.Type} {sessions.Sync}";
}
