using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace SessionKit.AspNetCore.Tests.WebSockets;

/// <summary>
/// A Kestrel app with one session WebSocket endpoint at <c>/ws</c> whose handler reads text commands: <c>whoami</c>
/// answers <c>ID USER TYPE PEER</c>, <c>bind R</c> binds resource R and answers <c>bound R</c>, <c>throw</c> throws, <c>cancel</c> cancels its own receive,
/// anything else is echoed. Its receive loop passes the session's <c>Closed</c> token, as hand-written loops do: that
/// cancellation must not cost the client its close frame.
/// </summary>
internal static class WebSocketApp
{
    public static Task<KestrelApp> StartAsync(TriggerJournal journal, Action<SessionManagerOptions>? options = null, Action<ISessionsBuilder>? sessions = null) =>
        KestrelApp.StartAsync(
            builder =>
            {
                var registered = builder.Services.AddSessions(o => options?.Invoke(o)).AddAspNetCore();
                journal.Register(registered);
                sessions?.Invoke(registered);
            },
            app => app.MapSessionWebSocket("/ws", ServeAsync));

    public static async Task ServeAsync(SessionWebSocket ws)
    {
        var buffer = new byte[4096];
        while (true)
        {
            var result = await ws.ReceiveAsync(buffer, ws.Session.Closed);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            var command = Encoding.UTF8.GetString(buffer, 0, result.Count);
            var session = ws.Session;
            if (command == "whoami")
            {
                await ws.SendAsync(Encoding.UTF8.GetBytes($"{session.Id} {session.User.Name} {session.Type} {session.Peer}"));
            }
            else if (command.StartsWith("bind ", StringComparison.Ordinal))
            {
                var bound = await session.Manager.Users.BindResourceAsync(session, command[5..]);
                await ws.SendAsync(Encoding.UTF8.GetBytes($"bound {bound}"));
            }
            else if (command == "cancel")
            {
                // The handler's own token ends its receive (a request timeout, say): the endpoint must still close
                // the socket politely and disconnect the session.
                using var cancelled = new CancellationTokenSource();
                await cancelled.CancelAsync();
                await ws.ReceiveAsync(buffer, cancelled.Token);
            }
            else if (command == "throw")
            {
                throw new InvalidOperationException("The handler failed on purpose.");
            }
            else
            {
                await ws.SendAsync(buffer.AsMemory(0, result.Count));
            }
        }
    }
}
