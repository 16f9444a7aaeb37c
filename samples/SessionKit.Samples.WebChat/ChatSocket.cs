using System.Net.WebSockets;
using System.Text;
using SessionKit.AspNetCore;

namespace SessionKit.Samples.WebChat;

/// <summary>The chat page's WebSocket: each text frame is a line said to everyone.</summary>
public static class ChatSocket
{
    /// <summary>Serves one socket (one browser tab): binds the tab's resource when it names one, then relays what it says.</summary>
    public static async Task ServeAsync(SessionWebSocket socket)
    {
        var session = socket.Session;
        var presence = socket.HttpContext.RequestServices.GetRequiredService<Presence>();
        if (socket.HttpContext.Request.Query["resource"] is [{ Length: > 0 } resource])
        {
            // A second tab with the same resource replaces this one (ResourceConflictPolicy.KickOld): this tab gets a
            // close frame with "conflict: Replaced by new connection".
            await session.Manager.Users.BindResourceAsync(session, resource);
        }

        await session.SendAsync(new ChatEvent("welcome", session.Id, session.User.Name));
        await presence.ChangedAsync();
        var buffer = new byte[4096];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            var text = Encoding.UTF8.GetString(buffer, 0, result.Count);
            using (session.Manager.Enter(session))
            {
                var everyone = session.Manager.GetSessions().Where(s => s.State == SessionState.Open);
                await session.Manager.Users.SendToSessionsAsync(everyone, new ChatEvent("message", User: session.Manager.User, Text: text));
            }
        }
    }
}
