using System.Globalization;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace SessionKit.AspNetCore.Tests.Kestrel;

/// <summary>
/// Issue 15, Kestrel connection middleware: <c>ListenOptions.UseSessions(type)</c> on a raw TCP endpoint (a line
/// protocol in a connection handler) and on an HTTP endpoint.
/// </summary>
public sealed class ConnectionMiddlewareTests
{
    private static readonly SessionType Tcp = new("tcp");

    [Fact]
    public async Task EachConnection_GetsASession_InItsFeatures_WithTheClientsPeer_AndItsEndDisconnectsIt()
    {
        var journal = new TriggerJournal();
        var handler = new LineHandler();
        await using var app = await StartAsync(journal, handler);
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(app.Address.Host, app.Address.Port);
        using var reader = new StreamReader(client.GetStream());

        var greeting = (await reader.ReadLineAsync().WaitAsync(KestrelApp.Watchdog))!.Split(' ');

        var session = app.Sessions.GetSession(ulong.Parse(greeting[0], CultureInfo.InvariantCulture));
        session.Type.Should().Be(Tcp);
        session.Peer.Should().Be(client.Client.LocalEndPoint!.ToString(), "the peer is the connection's RemoteEndPoint");
        greeting[1].Should().Be(session.Peer);

        client.Close();

        await journal.Disconnects(1);
        journal.ReasonOf(session.Id).Should().Be(SessionCloseReason.ClientDisconnected);

        // on_disconnect runs before the session is destroyed: wait for the session middleware itself to finish.
        await handler.PipelineEnded.WaitAsync(KestrelApp.Watchdog);
        session.State.Should().Be(SessionState.Destroyed);
    }

    [Fact]
    public async Task ASessionKitClose_AbortsTheConnection_WithTheReason()
    {
        var journal = new TriggerJournal();
        var handler = new LineHandler();
        await using var app = await StartAsync(journal, handler);
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(app.Address.Host, app.Address.Port);
        var stream = client.GetStream();
        using var reader = new StreamReader(stream);
        var id = ulong.Parse((await reader.ReadLineAsync().WaitAsync(KestrelApp.Watchdog))!.Split(' ')[0], CultureInfo.InvariantCulture);

        (await app.Sessions.Admin.KickAsync(id)).Should().BeTrue();

        var ended = await handler.Ended.WaitAsync(KestrelApp.Watchdog);
        ended.Should().BeOfType<ConnectionAbortedException>().Which.Message.Should().Contain(SessionCloseReason.Kicked.ToString());
        (await EndOfStreamAsync(reader)).Should().BeTrue("the client sees the connection end (a reset or an end of stream)");
        await journal.Disconnects(1);
        journal.ReasonOf(id).Should().Be(SessionCloseReason.Kicked);
    }

    [Fact]
    public async Task KestrelsRequestToCloseTheConnection_ClosesTheSessionWithSystemShutdown()
    {
        var journal = new TriggerJournal();
        var handler = new LineHandler();
        await using var app = await StartAsync(journal, handler);
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(app.Address.Host, app.Address.Port);
        var stream = client.GetStream();
        using var reader = new StreamReader(stream);
        var id = ulong.Parse((await reader.ReadLineAsync().WaitAsync(KestrelApp.Watchdog))!.Split(' ')[0], CultureInfo.InvariantCulture);

        // The handler calls IConnectionLifetimeNotificationFeature.RequestClose(), as Kestrel does for every connection at shutdown.
        await stream.WriteAsync(Encoding.UTF8.GetBytes("request-close\n"));

        await journal.Disconnects(1);
        journal.ReasonOf(id).Should().Be(SessionCloseReason.SystemShutdown);
    }

    [Fact]
    public async Task OnAnHttpEndpoint_RequestsOfOneConnection_ShareItsSession_ThroughTheFeature()
    {
        var journal = new TriggerJournal();
        await using var app = await KestrelApp.StartAsync(
            builder => journal.Register(builder.Services.AddSessions().AddAspNetCore()),
            web => web.MapGet("/session", (HttpContext context) => context.Features.Get<IConnectionSessionFeature>() is { } feature ? $"{feature.Session.Id} {feature.Session.Type}" : "none"),
            listen => listen.UseSessions(new SessionType("http")));
        using var http = new HttpClient();

        var first = await http.GetStringAsync(app.HttpUri("/session"));
        var second = await http.GetStringAsync(app.HttpUri("/session"));

        first.Should().EndWith(" http");
        second.Should().Be(first, "a kept-alive connection keeps its session");
        app.Sessions.Count.Should().Be(1);
    }

    private static async Task<bool> EndOfStreamAsync(StreamReader reader)
    {
        try
        {
            return await reader.ReadLineAsync().WaitAsync(KestrelApp.Watchdog) is null;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static Task<KestrelApp> StartAsync(TriggerJournal journal, LineHandler handler) =>
        KestrelApp.StartAsync(
            builder => journal.Register(builder.Services.AddSessions().AddAspNetCore()),
            _ => { },
            listen =>
            {
                listen.Use(handler.Outermost);
                listen.UseSessions(Tcp).Run(handler.RunAsync);
            });

    /// <summary>
    /// The protocol: greets with <c>ID PEER</c>, then reads lines; <c>request-close</c> asks Kestrel to close the
    /// connection and waits for the session to close. Reports how its read loop ended.
    /// </summary>
    private sealed class LineHandler
    {
        private readonly TaskCompletionSource<Exception?> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _pipelineEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<Exception?> Ended => _ended.Task;

        /// <summary>Gets a task that completes when the connection pipeline, session middleware included, has returned.</summary>
        public Task PipelineEnded => _pipelineEnded.Task;

        /// <summary>Connection middleware placed before <c>UseSessions</c>: it returns only after the session middleware did.</summary>
        public ConnectionDelegate Outermost(ConnectionDelegate next) => async connection =>
        {
            try
            {
                await next(connection);
            }
            finally
            {
                _pipelineEnded.TrySetResult();
            }
        };

        public async Task RunAsync(ConnectionContext connection)
        {
            var session = connection.Features.Get<IConnectionSessionFeature>()!.Session;
            await connection.Transport.Output.WriteAsync(Encoding.UTF8.GetBytes($"{session.Id} {session.Peer}\n"));
            try
            {
                await ReadAsync(connection.Transport.Input, connection, session);
                _ended.TrySetResult(null);
            }
            catch (Exception ex)
            {
                _ended.TrySetResult(ex);
            }
        }

        private static async Task ReadAsync(PipeReader input, ConnectionContext connection, Session session)
        {
            while (true)
            {
                var result = await input.ReadAsync();
                var text = Encoding.UTF8.GetString(result.Buffer);
                input.AdvanceTo(result.Buffer.End);
                if (text.Contains("request-close", StringComparison.Ordinal))
                {
                    connection.Features.Get<IConnectionLifetimeNotificationFeature>()!.RequestClose();
                    var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    using var registration = session.Closed.Register(closed.SetResult);
                    await closed.Task.WaitAsync(KestrelApp.Watchdog);
                    return;
                }

                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
    }
}
