using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SessionKit.Hosting.Tests;

/// <summary>
/// Issue 14, point 1, in a real Kestrel app: stopping it tells every open WebSocket client why (a close frame carrying
/// <c>system-shutdown</c>) before Kestrel waits for the connections, and every <c>on_disconnect</c> runs.
/// </summary>
public sealed class KestrelShutdownTests
{
    private static readonly TimeSpan Watchdog = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task StopAsync_SendsEveryWebSocketClientACloseFrameWithTheShutdownReason_AndRunsEveryOnDisconnect()
    {
        const int count = 4;
        var journal = new ShutdownJournal();
        var connected = 0;
        var allConnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSingleton(journal);
        builder.Services.AddSessions()
            .OnConnect(_ =>
            {
                if (Interlocked.Increment(ref connected) == count)
                {
                    allConnected.TrySetResult();
                }

                return ValueTask.CompletedTask;
            })
            .OnDisconnect(ctx =>
            {
                journal.Add($"on_disconnect {ctx.Session.Id}");
                return ValueTask.CompletedTask;
            });
        builder.Services.AddHostedService<StopOrderProbe>();
        await using var app = builder.Build();
        app.UseWebSockets();
        app.Map("/ws", (Func<HttpContext, SessionManager, ShutdownJournal, Task>)ServeAsync);
        await app.StartAsync().WaitAsync(Watchdog);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var uri = new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal) + "/ws");

        var clients = new List<ClientWebSocket>();
        var closes = new List<Task<ClientClose>>();
        for (var i = 0; i < count; i++)
        {
            var client = new ClientWebSocket();
            clients.Add(client);
            await client.ConnectAsync(uri, CancellationToken.None).WaitAsync(Watchdog);
            closes.Add(ReadUntilCloseAsync(client));
        }

        await allConnected.Task.WaitAsync(Watchdog);
        var manager = app.Services.GetRequiredService<SessionManager>();
        manager.Count.Should().Be(count);

        await app.StopAsync().WaitAsync(Watchdog);

        var received = await Task.WhenAll(closes).WaitAsync(Watchdog);
        received.Should().OnlyContain(c => c.Status == WebSocketCloseStatus.EndpointUnavailable);
        received.Should().OnlyContain(c => c.Description != null && c.Description.Contains(SessionCloseReason.SystemShutdown.Condition, StringComparison.Ordinal));
        var entries = journal.Entries.ToList();
        var probe = entries.IndexOf(StopOrderProbe.Entry);
        probe.Should().BeGreaterThan(-1);
        entries.Count(e => e.StartsWith("on_disconnect ", StringComparison.Ordinal)).Should().Be(count);
        entries.Take(probe).Count(e => e.StartsWith("on_disconnect ", StringComparison.Ordinal)).Should().Be(count, "every on_disconnect ran before any hosted service (the server among them) began to stop");
        entries.Take(probe).Count(e => e == "server close sent system-shutdown").Should().Be(count, "every client was told before the server began to drain");
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    /// <summary>The app's endpoint: one session per WebSocket, read until the client closes.</summary>
    private static async Task ServeAsync(HttpContext context, SessionManager sessions, ShutdownJournal journal)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var session = await sessions.ConnectAsync(new ConnectOptions
        {
            Type = new SessionType("websocket"),
            Connection = new WebSocketSessionConnection(socket, journal),
        });
        var buffer = new byte[1024];
        while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
        {
            var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                break;
            }
        }

        // The client hung up or answered the server's close. At shutdown the manager closes the session itself.
        if (session.State == SessionState.Open)
        {
            try
            {
                await sessions.DisconnectAsync(session);
            }
            catch (ObjectDisposedException)
            {
                // The manager's shutdown finished between the check and the call: it closed the session already.
            }
        }
    }

    /// <summary>Reads until the server's close frame, answers it (completing the handshake) and returns what it said.</summary>
    private static async Task<ClientClose> ReadUntilCloseAsync(ClientWebSocket client)
    {
        var buffer = new byte[1024];
        while (true)
        {
            var result = await client.ReceiveAsync(buffer, CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                return new ClientClose(result.CloseStatus, result.CloseStatusDescription);
            }
        }
    }

    private sealed record ClientClose(WebSocketCloseStatus? Status, string? Description);
}
