using System.Globalization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace SessionKit.AspNetCore.Tests.SignalR;

/// <summary>Issue 15, SignalR: the global hub filter and user id provider, driven by the .NET SignalR client against real Kestrel.</summary>
public sealed class HubSessionTests
{
    [Fact]
    public async Task HubMethods_RunInsideTheSession_CurrentUserAndSyncAreThoseOfTheConnection()
    {
        var journal = new TriggerJournal();
        await using var app = await HubApp.StartAsync(journal);
        await using var client = await HubClient.StartAsync(app, "?user=alice");

        var first = (await client.Connection.InvokeAsync<string>("Whoami").WaitAsync(KestrelApp.Watchdog)).Split(' ');
        var second = (await client.Connection.InvokeAsync<string>("Whoami").WaitAsync(KestrelApp.Watchdog)).Split(' ');

        var session = journal.Connected.Single();
        first[0].Should().Be(session.Id.ToString(CultureInfo.InvariantCulture), "Current is the connection's session inside a hub method");
        first[4].Should().Be(first[0], "Context.GetSession() names the same session");
        first[1].Should().Be("alice", "the session user comes from the claims");
        first[3].Should().Be("signalr");
        first[2].Should().Be("1", "each invocation enters the session with the next sync");
        second[2].Should().Be("2");
        second[0].Should().Be(first[0]);
    }

    [Fact]
    public async Task TheHubsOnDisconnectedAsync_RunsInsideTheSession_ThenTheSessionIsDisconnectedOnce()
    {
        var journal = new TriggerJournal();
        await using var app = await HubApp.StartAsync(journal);
        await using var client = await HubClient.StartAsync(app, "?user=alice");
        await journal.Connects(1);
        var session = journal.Connected.Single();

        await client.Connection.StopAsync().WaitAsync(KestrelApp.Watchdog);

        (await app.App.Services.GetRequiredService<HubProbe>().Disconnected.WaitAsync(KestrelApp.Watchdog)).Should().Be(session.Id);
        await journal.Disconnects(1);
        journal.DisconnectsPerSession.Values.Should().Equal(1);
        journal.ReasonOf(session.Id).Should().Be(SessionCloseReason.ClientDisconnected);
    }

    [Fact]
    public async Task AKickFromOutsideTheHub_ClosesTheClient_WithTheReason()
    {
        var journal = new TriggerJournal();
        await using var app = await HubApp.StartAsync(journal);
        await using var client = await HubClient.StartAsync(app, "?user=alice");
        await journal.Connects(1);

        (await app.Sessions.Admin.KickUserAsync("alice")).Should().Be(1);

        var error = await client.Closed.WaitAsync(KestrelApp.Watchdog);
        error.Should().NotBeNull();
        error!.Message.Should().Contain("policy-violation: Kicked by an administrator");
        await journal.Disconnects(1);
        journal.DisconnectsPerSession.Values.Should().Equal(1);
    }

    [Fact]
    public async Task ThePerUserLimit_RefusesTheThirdConnection()
    {
        var journal = new TriggerJournal();
        await using var app = await HubApp.StartAsync(journal, o => o.MaxSessionsPerUser = _ => 2);
        await using var first = await HubClient.StartAsync(app, "?user=alice");
        await using var second = await HubClient.StartAsync(app, "?user=alice");
        await using var third = HubClient.Create(app, "?user=alice");

        var refusal = await third.StartRefusedAsync();

        refusal.Should().NotBeNull();
        refusal!.Message.Should().Contain(new SessionLimitExceededException("alice", 2).Message);
        app.Sessions.Users.SessionsOf("alice").Should().HaveCount(2);
        first.Connection.State.Should().Be(HubConnectionState.Connected);
    }

    [Fact]
    public async Task AThrowingOnConnect_FailsTheClientsStart_AndOnDisconnectRunsOnce()
    {
        var journal = new TriggerJournal();
        await using var app = await HubApp.StartAsync(journal, sessions: s => s.OnConnect(_ => throw new InvalidOperationException("on_connect refused")));
        await using var client = HubClient.Create(app, "?user=alice");

        var refusal = await client.StartRefusedAsync();

        refusal.Should().NotBeNull("the connection is refused");
        await journal.Disconnects(1);
        journal.DisconnectRuns.Should().Be(1);
        app.Sessions.Count.Should().Be(0);
    }

    [Fact]
    public async Task AThrowingHubOnConnectedAsync_DisconnectsTheSession_OnDisconnectRunsExactlyOnce()
    {
        var journal = new TriggerJournal();
        await using var app = await HubApp.StartAsync(journal);
        await using var client = HubClient.Create(app, "?user=alice&fail=1");

        var refusal = await client.StartRefusedAsync();

        refusal.Should().NotBeNull();
        await journal.Disconnects(1);
        journal.DisconnectsPerSession.Values.Should().Equal(1);
        app.Sessions.Count.Should().Be(0, "SignalR never calls OnDisconnectedAsync here: the filter disconnected the session itself");
    }

    [Fact]
    public async Task TheSessionsOfAUser_AreExactlyTheConnectionsClientsUserReaches()
    {
        var journal = new TriggerJournal();
        await using var app = await HubApp.StartAsync(journal);
        await using var alice1 = await HubClient.StartAsync(app, "?user=alice");
        await using var alice2 = await HubClient.StartAsync(app, "?user=alice");
        await using var bob = await HubClient.StartAsync(app, "?user=bob");
        var hub = app.App.Services.GetRequiredService<IHubContext<ProbeHub>>();

        await hub.Clients.User("alice").SendAsync("ping", "to-alice");
        foreach (var session in app.Sessions.Users.SessionsOf("alice"))
        {
            (await session.SendAsync("to-session")).Should().BeTrue("Session.SendAsync goes through the hub context");
        }

        // Messages to one connection keep their order: once the fence arrived, nothing sent before it is still coming.
        await hub.Clients.All.SendAsync("ping", "fence");
        foreach (var client in new[] { alice1, alice2, bob })
        {
            await client.ReceivedAsync("fence");
        }

        app.Sessions.Users.SessionsOf("alice").Should().HaveCount(2);
        alice1.Received.Should().Equal("to-alice", "session:to-session", "fence");
        alice2.Received.Should().Equal("to-alice", "session:to-session", "fence");
        bob.Received.Should().Equal("fence");
    }

    [Fact]
    public async Task HostStop_TellsEveryClientTheShutdownReason_AndRunsEveryOnDisconnectOnce()
    {
        const int count = 4;
        var journal = new TriggerJournal();
        var app = await HubApp.StartAsync(journal);
        var clients = new List<HubClient>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                clients.Add(await HubClient.StartAsync(app, $"?user=u{i}"));
            }

            await journal.Connects(count);

            await app.App.StopAsync().WaitAsync(KestrelApp.Watchdog);

            var errors = await Task.WhenAll(clients.Select(c => c.Closed)).WaitAsync(KestrelApp.Watchdog);
            errors.Should().OnlyContain(e => e != null && e.Message.Contains(SessionCloseReason.SystemShutdown.ToString(), StringComparison.Ordinal));
            journal.DisconnectRuns.Should().Be(count);
            journal.DisconnectsPerSession.Values.Should().HaveCount(count).And.OnlyContain(n => n == 1);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }

            await app.App.DisposeAsync();
        }
    }
}
