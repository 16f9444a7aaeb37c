using System.Net;
using System.Net.WebSockets;
using SessionKit.AspNetCore.Tests.SignalR;
using SessionKit.AspNetCore.Tests.WebSockets;

namespace SessionKit.AspNetCore.Tests.DependencyInjection;

/// <summary>
/// A signed-in principal whose name SessionKit cannot take as a user name (an e-mail address, a path, whitespace,
/// control characters, longer than the manager's limit) is refused clearly by the default claims mapping: the
/// WebSocket endpoint answers 403 instead of failing the request with an unhandled exception (500), the hub client's
/// start fails with <c>not-authorized</c> instead of an opaque handshake error, and no session is connected.
/// </summary>
public sealed class OddPrincipalNameTests
{
    public static TheoryData<string> OddNames() => new()
    {
        "alice@example.org",
        "a/b",
        "   ",
        "a\u0001b",
        new string('x', 300),
        new string('x', 2000),
    };

    [Theory]
    [MemberData(nameof(OddNames))]
    public async Task TheWebSocketEndpoint_Answers403_AndConnectsNoSession(string name)
    {
        var journal = new TriggerJournal();
        await using var app = await WebSocketApp.StartAsync(journal);
        using var client = new ClientWebSocket { Options = { CollectHttpResponseDetails = true } };

        var connect = () => client.ConnectAsync(app.WebSocketUri("/ws?user=" + Uri.EscapeDataString(name)), CancellationToken.None).WaitAsync(KestrelApp.Watchdog);

        await connect.Should().ThrowAsync<WebSocketException>();
        client.HttpStatusCode.Should().Be(HttpStatusCode.Forbidden, "the principal cannot be a session user: a refusal, not a server error");
        app.Sessions.Count.Should().Be(0);
        journal.Connected.Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(OddNames))]
    public async Task TheHubClientsStart_FailsWithNotAuthorized_AndConnectsNoSession(string name)
    {
        var journal = new TriggerJournal();
        await using var app = await HubApp.StartAsync(journal);
        await using var client = HubClient.Create(app, "?user=" + Uri.EscapeDataString(name));

        var refusal = await client.StartRefusedAsync();

        refusal.Should().NotBeNull();
        refusal!.Message.Should().Contain("not-authorized");
        app.Sessions.Count.Should().Be(0);
        journal.Connected.Should().BeEmpty();
    }
}
