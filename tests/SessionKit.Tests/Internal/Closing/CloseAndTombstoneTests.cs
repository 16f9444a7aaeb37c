using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.Internal.Closing;

/// <summary>xmpp-sessions.md §3 cases 18, 19, 21, 22, 23, 27, 28, 31: close vs destroy vs tombstone.</summary>
public sealed class CloseAndTombstoneTests : ResourceTestBase
{
    [Fact] // case 18
    public async Task CloseWithReason_IndexesClearedBeforeTheUnbindEvent_WhichCarriesTheReason()
    {
        string? seen = null;
        Session? foundInside = null;
        Manager.Users.OnResourceUnbind.Add(c =>
        {
            seen = c.Reason?.Condition;
            foundInside = Manager.Users.FindResource("alice", c.Resource);
            return default;
        });
        var session = await ConnectBoundAsync("alice", "home");

        await session.CloseAsync(new SessionCloseReason("connection-timeout", "timeout"));

        seen.Should().Be("connection-timeout");
        foundInside.Should().BeNull("the index is cleared before the unbind event");
        session.State.Should().Be(SessionState.Destroyed);
    }

    [Fact] // case 19
    public async Task ClosingTheUsersLastSession_DropsTheUserEntry()
    {
        var session = await ConnectBoundAsync("alice", "home");
        Manager.Users.StorageOf("alice").Should().NotBeNull();
        await session.CloseAsync();
        Manager.Users.IsOnline("alice").Should().BeFalse();
        Manager.Users.StorageOf("alice").Should().BeNull();
    }

    [Fact] // case 21
    public async Task CloseTwice_SecondIsANoOp_EventsRaisedOnce()
    {
        var unbinds = 0;
        var disconnects = 0;
        Manager.Users.OnResourceUnbind.Add(_ => { Interlocked.Increment(ref unbinds); return default; });
        Manager.OnDisconnect.Add(_ => { Interlocked.Increment(ref disconnects); return default; });
        var session = await ConnectBoundAsync("alice", "home");

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => session.CloseAsync().AsTask())));
        await session.CloseAsync();
        await Manager.DisconnectAsync(session);

        unbinds.Should().Be(1);
        disconnects.Should().Be(1);
    }

    [Fact] // case 22
    public async Task DestroyedSession_IsASafeTombstone()
    {
        var (session, connection) = await ConnectAsync("alice");
        var id = session.Id;
        await Manager.DisconnectAsync(session);

        (await session.SendAsync("late")).Should().BeFalse();
        connection.Sent.Should().BeEmpty();
        await session.CloseAsync(SessionCloseReason.Kicked);
        connection.Closes.Should().BeEmpty("closing a destroyed session only logs");
        Logs.Collector.GetSnapshot().Should().Contain(r => r.Id.Name == "AlreadyClosed" && r.GetStructuredStateValue("SessionId") == id.AsLogged());
        session.State.Should().Be(SessionState.Destroyed);
        session.Id.Should().Be(id);
        session.Storage.Get("anything").Should().BeNull();
    }

    [Fact] // case 23
    public async Task ClosingAnAuthenticatedButUnboundSession_RaisesNoBindOrUnbindEvents()
    {
        var events = 0;
        Manager.Users.OnResourceBind.Add(_ => { events++; return default; });
        Manager.Users.OnResourceUnbind.Add(_ => { events++; return default; });
        var (session, _) = await ConnectAsync("alice");
        await session.CloseAsync();
        events.Should().Be(0);
        session.State.Should().Be(SessionState.Destroyed);
    }

    [Fact] // case 27: the grace period is explicit (Prosody derives it from the missing reason)
    public async Task CloseWithGracePeriod_WaitsForTheClientToHangUp_ThenDisconnectsAnyway()
    {
        var time = new FakeTimeProvider();
        await using var manager = new SessionManager(directory: Users, timeProvider: time);
        var connection = new RecordingConnection();
        var session = await manager.ConnectAsync(new ConnectOptions { Connection = connection });

        var closing = session.CloseAsync(SessionCloseReason.None, TimeSpan.FromSeconds(5)).AsTask();
        connection.Closes.Should().Equal(SessionCloseReason.None);
        session.State.Should().Be(SessionState.Open, "the client may still be sending within the grace period");
        closing.IsCompleted.Should().BeFalse();

        time.Advance(TimeSpan.FromSeconds(5));
        await closing;
        session.State.Should().Be(SessionState.Destroyed);

        // With a reason and no grace period, an authenticated session is destroyed at once (no time passes).
        var kicked = await manager.ConnectAsync(new ConnectOptions { Connection = new RecordingConnection(), User = "alice" });
        var kick = kicked.CloseAsync(SessionCloseReason.Kicked);
        kick.IsCompleted.Should().BeTrue();
        await kick;
        kicked.State.Should().Be(SessionState.Destroyed);
    }

    [Fact]
    public async Task CloseWithGracePeriod_ClientHangsUpFirst_DisconnectRunsOnce()
    {
        var time = new FakeTimeProvider();
        await using var manager = new SessionManager(directory: Users, timeProvider: time);
        var disconnects = 0;
        manager.OnDisconnect.Add(_ => { Interlocked.Increment(ref disconnects); return default; });
        var session = await manager.ConnectAsync(new ConnectOptions { Connection = new RecordingConnection() });

        var closing = session.CloseAsync(SessionCloseReason.None, TimeSpan.FromMinutes(1)).AsTask();
        await manager.DisconnectAsync(session);
        await closing;

        disconnects.Should().Be(1);
        session.State.Should().Be(SessionState.Destroyed);
    }

    [Fact] // case 28
    public async Task SessionClosingTrigger_RewritesTheReason_ClientAndUnbindSeeTheRewrittenOne()
    {
        var rewritten = new SessionCloseReason("see-other-host", "moved");
        Manager.Admin.OnSessionClosing.Add(c => { c.Reason = rewritten; return default; });
        SessionCloseReason? unbindReason = null;
        Manager.Users.OnResourceUnbind.Add(c => { unbindReason = c.Reason; return default; });
        var (session, connection) = await ConnectAsync("alice");
        await Manager.Users.BindResourceAsync(session, "home");

        await session.CloseAsync(SessionCloseReason.Kicked);

        connection.Closes.Should().Equal(rewritten);
        unbindReason.Should().Be(rewritten);
    }

    [Fact] // case 31
    public async Task Shutdown_ClosesEverySessionWithSystemShutdown_AndWaits()
    {
        var manager = new SessionManager(directory: Users);
        var disconnected = new ConcurrentBag<ulong>();
        manager.OnDisconnect.Add(async c => { await Task.Yield(); disconnected.Add(c.Session.Id); });
        var connections = new List<RecordingConnection>();
        var ids = new List<ulong>();
        for (var i = 0; i < 3; i++)
        {
            var connection = new RecordingConnection();
            connections.Add(connection);
            ids.Add((await manager.ConnectAsync(new ConnectOptions { Connection = connection })).Id);
        }

        await manager.DisposeAsync();

        connections.Should().OnlyContain(c => c.Closes.Single() == SessionCloseReason.SystemShutdown);
        disconnected.Should().BeEquivalentTo(ids);
    }

    [Fact]
    public async Task HangingTransportClose_IsBoundedByTheCloseTimeout()
    {
        var time = new FakeTimeProvider();
        await using var manager = new SessionManager(new SessionManagerOptions { CloseTimeout = TimeSpan.FromSeconds(2) }, Users, timeProvider: time);
        var connection = new RecordingConnection { CloseGate = new TaskCompletionSource().Task };
        var session = await manager.ConnectAsync(new ConnectOptions { Connection = connection });

        var closing = session.CloseAsync(SessionCloseReason.Kicked).AsTask();
        closing.IsCompleted.Should().BeFalse();
        time.Advance(TimeSpan.FromSeconds(2));
        await closing;

        session.State.Should().Be(SessionState.Destroyed);
    }

    [Fact]
    public async Task ThrowingTransportClose_IsLogged_AndTheSessionStillCloses()
    {
        var (session, connection) = await ConnectAsync("alice");
        connection.CloseFailure = new IOException("reset by peer");
        await session.CloseAsync(SessionCloseReason.Kicked);
        session.State.Should().Be(SessionState.Destroyed);
        Logs.Collector.GetSnapshot().Should().Contain(r => r.Id.Name == "TransportCloseFailed" && r.Exception is IOException);
    }
}
