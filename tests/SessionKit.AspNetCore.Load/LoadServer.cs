using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SessionKit.AspNetCore.Load;

/// <summary>
/// The measured server: <c>/plain</c> is a hand-written echo WebSocket endpoint, <c>/session</c> the same echo loop
/// through <c>MapSessionWebSocket</c> (a session per socket, serialized sends, SessionKit's close handling).
/// <c>/memory</c> reports the managed heap after a full collection, <c>/open</c> the sockets open on each endpoint.
/// </summary>
internal static class LoadServer
{
    private static int _plainOpen;

    public static async Task RunAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSessions().AddAspNetCore();
        var app = builder.Build();
        app.UseWebSockets();
        app.Map("/plain", PlainAsync);
        app.MapSessionWebSocket("/session", SessionAsync);
        app.MapGet("/memory", () =>
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            return GC.GetTotalMemory(forceFullCollection: true);
        });
        app.MapGet("/open", (SessionManager sessions) => $"{Volatile.Read(ref _plainOpen)} {sessions.Count}");
        await app.StartAsync();

        // The driver reads this line to find the port.
        Console.WriteLine("listening on " + app.Urls.First());
        await Console.In.ReadLineAsync();
        await app.StopAsync();
    }

    private static async Task PlainAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        Interlocked.Increment(ref _plainOpen);
        try
        {
            var buffer = new byte[4096];
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, string.Empty, CancellationToken.None);
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, CancellationToken.None);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _plainOpen);
        }
    }

    private static async Task SessionAsync(SessionWebSocket socket)
    {
        var buffer = new byte[4096];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage);
        }
    }
}
