using System.Net;
using System.Net.WebSockets;

namespace SessionKit.AspNetCore.Tests.WebSockets;

/// <summary>Issue 15, WebSockets: <c>MapSessionWebSocket</c> in a real Kestrel app with real WebSocket clients.</summary>
public sealed class WebSocketEndpointTests
{
    [Fact]
    public async Task SignedInClient_ConnectsAsTheClaimsUser_WithTypeWebsocket_AndItsPeer()
    {
        var journal = new TriggerJournal();
        await using var app = await WebSocketApp.StartAsync(journal);
        using var client = await WebSocketClient.ConnectAsync(app.WebSocketUri("/ws?user=alice"));

        await client.SendAsync("whoami");
        var answer = (await client.MessageAsync(1).WaitAsync(KestrelApp.Watchdog)).Split(' ');

        answer[1].Should().Be("alice", "the name-identifier claim is the session user, with no password round trip");
        answer[2].Should().Be("websocket");
        answer[3].Should().StartWith("127.0.0.1:", "the peer is the client's address");
        var session = app.Sessions.GetSession(ulong.Parse(answer[0], System.Globalization.CultureInfo.InvariantCulture));
        session.User.Id.Should().BeGreaterThanOrEqualTo(1UL << 63, "an external user's id is derived from the name, far from directory ids");
    }

    [Fact]
    public async Task AnonymousClient_ConnectsAsGuest()
    {
        var journal = new TriggerJournal();
        await using var app = await WebSocketApp.StartAsync(journal);
        using var client = await WebSocketClient.ConnectAsync(app.WebSocketUri("/ws"));

        await client.SendAsync("whoami");

        (await client.MessageAsync(1).WaitAsync(KestrelApp.Watchdog)).Split(' ')[1].Should().Be("guest");
    }

    [Fact]
    public async Task Kick_SendsACloseFrameWithTheReasonsCode_AndOnDisconnectRunsOnce()
    {
        var journal = new TriggerJournal();
        await using var app = await WebSocketApp.StartAsync(journal);
        using var client = await WebSocketClient.ConnectAsync(app.WebSocketUri("/ws?user=alice"));
        await journal.Connects(1);

        var kicked = await app.Sessions.Admin.KickUserAsync("alice");

        kicked.Should().Be(1);
        var close = await client.Closed.WaitAsync(KestrelApp.Watchdog);
        close.Status.Should().Be(SessionWebSocketCloseStatus.PolicyViolation);
        close.Description.Should().Be("policy-violation: Kicked by an administrator");
        await journal.Disconnects(1);
        journal.DisconnectsPerSession.Values.Should().Equal(1);
    }

    [Fact]
    public async Task ALongReason_IsCutTo123Utf8Bytes_WithoutSplittingACharacter()
    {
        var journal = new TriggerJournal();
        await using var app = await WebSocketApp.StartAsync(journal);
        using var client = await WebSocketClient.ConnectAsync(app.WebSocketUri("/ws?user=alice"));
        await journal.Connects(1);
        var text = string.Concat(Enumerable.Repeat("é😀", 60));

        await app.Sessions.Admin.KickUserAsync("alice", new SessionCloseReason("policy-violation", text));

        var close = await client.Closed.WaitAsync(KestrelApp.Watchdog);
        var description = close.Description!;
        System.Text.Encoding.UTF8.GetByteCount(description).Should().BeLessThanOrEqualTo(123).And.BeGreaterThan(117, "only the last whole character that fits is kept");
        ("policy-violation: " + text).Should().StartWith(description);
        description.Should().NotContain("\uFFFD", "no character was split");
    }

    [Fact]
    public async Task ConcurrentSends_FromTheHandlerAndFromSessionSendAsync_AreSerializedPerSocket()
    {
        const int each = 200;
        var journal = new TriggerJournal();
        await using var app = await WebSocketApp.StartAsync(journal);
        using var client = await WebSocketClient.ConnectAsync(app.WebSocketUri("/ws?user=alice"));
        await journal.Connects(1);
        var session = journal.Connected.Single();

        // Two writers at once on one socket: a plain WebSocket throws "already one outstanding SendAsync" here.
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < each; i++)
            {
                (await session.SendAsync($"w{w}-{i}")).Should().BeTrue();
            }
        }));
        await Task.WhenAll(writers).WaitAsync(KestrelApp.Watchdog);

        await client.MessageAsync(4 * each).WaitAsync(KestrelApp.Watchdog);
        client.Messages.Should().HaveCount(4 * each).And.OnlyHaveUniqueItems();
        for (var w = 0; w < 4; w++)
        {
            client.Messages.Where(m => m.StartsWith($"w{w}-", StringComparison.Ordinal)).Should().Equal(Enumerable.Range(0, each).Select(i => $"w{w}-{i}"), "one writer's messages keep their order");
        }
    }

    [Fact]
    public async Task HandlerThrows_ClosesTheSocketWithAnInternalError_AndDisconnectsTheSessionOnce()
    {
        var journal = new TriggerJournal();
        await using var app = await WebSocketApp.StartAsync(journal);
        using var client = await WebSocketClient.ConnectAsync(app.WebSocketUri("/ws?user=alice"));

        await client.SendAsync("throw");

        var close = await client.Closed.WaitAsync(KestrelApp.Watchdog);
        close.Status.Should().Be((int)WebSocketCloseStatus.InternalServerError);
        await journal.Disconnects(1);
        journal.DisconnectsPerSession.Values.Should().Equal(1);
        app.Sessions.Count.Should().Be(0);
    }

    [Fact]
    public async Task HandlerCancelled_ClosesTheSocketNormally_AndDisconnectsTheSessionOnce()
    {
        var journal = new TriggerJournal();
        await using var app = await WebSocketApp.StartAsync(journal);
        using var client = await WebSocketClient.ConnectAsync(app.WebSocketUri("/ws?user=alice"));

        await client.SendAsync("cancel");

        var close = await client.Closed.WaitAsync(KestrelApp.Watchdog);
        close.Status.Should().Be((int)WebSocketCloseStatus.NormalClosure, "a cancelled receive does not abort the socket: the endpoint closes it");
        await journal.Disconnects(1);
        journal.DisconnectsPerSession.Values.Should().Equal(1);
    }

    [Fact]
    public async Task ClientAborts_DisconnectsTheSessionOnce()
    {
        var journal = new TriggerJournal();
        await using var app = await WebSocketApp.StartAsync(journal);
        var client = await WebSocketClient.ConnectAsync(app.WebSocketUri("/ws?user=alice"));
        await journal.Connects(1);

        client.Socket.Abort();
        client.Dispose();

        await journal.Disconnects(1);
        journal.DisconnectsPerSession.Values.Should().Equal(1);
        journal.ReasonOf(journal.Connected.Single().Id).Should().Be(SessionCloseReason.ClientDisconnected);
    }

    [Fact]
    public async Task ClientCloses_CompletesTheHandshake_AndDisconnectsTheSession()
    {
        var journal = new TriggerJournal();
        await using var app = await WebSocketApp.StartAsync(journal);
        using var client = new ClientWebSocket();
        await client.ConnectAsync(app.WebSocketUri("/ws?user=alice"), CancellationToken.None).WaitAsync(KestrelApp.Watchdog);
        await journal.Connects(1);

        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None).WaitAsync(KestrelApp.Watchdog);

        client.State.Should().Be(WebSocketState.Closed, "the server answered the close");
        await journal.Disconnects(1);
        journal.DisconnectsPerSession.Values.Should().Equal(1);
    }

    [Fact]
    public async Task ThePerUserLimit_RefusesTheThirdSocket_WithTheLimitsReason()
    {
        var journal = new TriggerJournal();
        await using var app = await WebSocketApp.StartAsync(journal, o => o.MaxSessionsPerUser = _ => 2);
        using var first = await WebSocketClient.ConnectAsync(app.WebSocketUri("/ws?user=alice"));
        using var second = await WebSocketClient.ConnectAsync(app.WebSocketUri("/ws?user=alice"));
        await journal.Connects(2);

        using var third = await WebSocketClient.ConnectAsync(app.WebSocketUri("/ws?user=alice"));

        var close = await third.Closed.WaitAsync(KestrelApp.Watchdog);
        close.Status.Should().Be(SessionWebSocketCloseStatus.PolicyViolation);
        close.Description.Should().Be(SessionCloseReason.SessionLimitReached.ToString());
        app.Sessions.Users.SessionsOf("alice").Should().HaveCount(2);
        first.Closed.IsCompleted.Should().BeFalse();
    }

    [Fact]
    public async Task TwoSocketsBindingTheSameResource_UnderKickOld_CloseTheFirstWithTheConflict()
    {
        var journal = new TriggerJournal();
        await using var app = await WebSocketApp.StartAsync(journal, o => o.ResourceConflictPolicy = ResourceConflictPolicy.KickOld);
        using var first = await WebSocketClient.ConnectAsync(app.WebSocketUri("/ws?user=alice"));
        await first.SendAsync("bind tab");
        (await first.MessageAsync(1).WaitAsync(KestrelApp.Watchdog)).Should().Be("bound tab");
        using var second = await WebSocketClient.ConnectAsync(app.WebSocketUri("/ws?user=alice"));

        await second.SendAsync("bind tab");

        (await second.MessageAsync(1).WaitAsync(KestrelApp.Watchdog)).Should().Be("bound tab");
        var close = await first.Closed.WaitAsync(KestrelApp.Watchdog);
        close.Status.Should().Be(SessionWebSocketCloseStatus.Conflict);
        close.Description.Should().Be(SessionCloseReason.Replaced.ToString());
    }

    [Fact]
    public async Task AThrowingOnConnect_RefusesTheSocketWithACloseFrame_AndOnDisconnectRunsOnce()
    {
        var journal = new TriggerJournal();
        await using var app = await WebSocketApp.StartAsync(journal, sessions: s => s.OnConnect(_ => throw new InvalidOperationException("no")));
        using var client = await WebSocketClient.ConnectAsync(app.WebSocketUri("/ws?user=alice"));

        var close = await client.Closed.WaitAsync(KestrelApp.Watchdog);

        close.Status.Should().Be(SessionWebSocketCloseStatus.Other);
        await journal.Disconnects(1);
        journal.DisconnectsPerSession.Values.Should().Equal(1);
    }

    [Fact]
    public async Task APlainRequest_Gets400()
    {
        var journal = new TriggerJournal();
        await using var app = await WebSocketApp.StartAsync(journal);
        using var http = new HttpClient();

        var response = await http.GetAsync(app.HttpUri("/ws"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        app.Sessions.Count.Should().Be(0);
    }
}
