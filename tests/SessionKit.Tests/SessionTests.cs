using System.Net;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests;

/// <summary>The Session object: identity, state, storage ownership, the Closed token, and its life as a tombstone.</summary>
public sealed class SessionTests
{
    private readonly FastUserDirectory _users = new();

    public SessionTests() => _users.Add("tester");

    [Fact]
    public async Task ToString_NamesIdTypeUserPeerAndStateButNoStorageValues()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(new ConnectOptions { User = "tester", Peer = new IPEndPoint(IPAddress.Loopback, 9000) });
        session.Storage.Set("token", "storage-secret-value");

        var text = session.ToString();

        text.Should().Be("Session 1 (binary, tester, 127.0.0.1:9000, Open)");
        text.Should().NotContain("storage-secret-value");
        session.Storage.ToString().Should().NotContain("storage-secret-value");
    }

    [Fact]
    public async Task ToString_SessionWithoutPeerAfterDestroy_SaysSo()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Console);
        await sessions.DisconnectAsync(session);

        session.ToString().Should().Be("Session 1 (console, guest, no peer, Destroyed)");
    }

    [Fact]
    public async Task State_MovesOpenClosedDestroyed()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);
        session.State.Should().Be(SessionState.Open);
        var request = sessions.Enter(session, 1);

        await sessions.DisconnectAsync(session);
        session.State.Should().Be(SessionState.Closed);

        request.Dispose();
        session.State.Should().Be(SessionState.Destroyed);
    }

    [Fact]
    public async Task Storage_IsCreatedOncePerSession()
    {
        await using var sessions = new SessionManager(directory: _users);
        var first = await sessions.ConnectAsync(SessionType.Binary);
        var second = await sessions.ConnectAsync(SessionType.Binary);

        first.Storage.Should().BeSameAs(first.Storage);
        first.Storage.Should().NotBeSameAs(second.Storage);
    }

    [Fact]
    public async Task Storage_FirstTouchedAfterDestroy_IsEmptyAndRefusesWrites()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);
        await sessions.DisconnectAsync(session);

        var storage = session.Storage;
        var write = () => storage.Set("k", 1);

        storage.Count.Should().Be(0);
        write.Should().Throw<SessionClosedException>().Which.SessionId.Should().Be(session.Id);
    }

    [Fact]
    public async Task Storage_ConcurrentFirstAccess_AllCallersGetTheSameInstance()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var readers = Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            await gate.Task;
            return session.Storage;
        })).ToArray();
        gate.SetResult();
        var seen = await Task.WhenAll(readers);

        seen.Distinct().Should().ContainSingle().Which.Should().BeSameAs(session.Storage);
    }

    [Fact]
    public async Task Closed_TakenAfterDisconnect_IsAlreadyCancelled()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);

        await sessions.DisconnectAsync(session);

        session.Closed.IsCancellationRequested.Should().BeTrue();
    }

    [Fact]
    public async Task Closed_FiresWhileInFlightRequestsStillRun()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);
        var token = session.Closed;
        using var request = sessions.Enter(session, 1);

        await sessions.DisconnectAsync(session);

        token.IsCancellationRequested.Should().BeTrue("close is signalled at once, before destroy");
        session.State.Should().Be(SessionState.Closed);
    }

    [Fact]
    public async Task Closed_CallbackThatThrows_DoesNotBreakDisconnect()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);
        using var registration = session.Closed.Register(() => throw new InvalidOperationException("host bug"));

        await sessions.DisconnectAsync(session);

        session.State.Should().Be(SessionState.Destroyed);
        sessions.Count.Should().Be(0);
    }

    [Fact]
    public async Task Host_FromConnectOptions_IsKept()
    {
        await using var sessions = new SessionManager(directory: _users);

        var withHost = await sessions.ConnectAsync(new ConnectOptions { Host = "example.org" });
        var without = await sessions.ConnectAsync(SessionType.Binary);

        withHost.Host.Should().Be("example.org");
        without.Host.Should().BeNull();
    }

    [Fact]
    public async Task SendAsync_ClosedSession_ReturnsFalseAndSendsNothing()
    {
        // spec §2.10: push on a closed session fails ("Session is closed"); here it returns false.
        await using var sessions = new SessionManager(directory: _users);
        var connection = new RecordingConnection();
        var session = await sessions.ConnectAsync(new ConnectOptions { Connection = connection });

        (await session.SendAsync("before")).Should().BeTrue();
        await sessions.DisconnectAsync(session);
        (await session.SendAsync("after")).Should().BeFalse();

        connection.Sent.Should().Equal("before");
    }

    [Fact]
    public async Task User_FollowsAuthenticationAndChangeUser()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);

        session.User.Should().Be(SessionUser.Guest);
        await sessions.AuthenticateAsync(session, "admin", "admin");
        session.User.Should().Be(SessionUser.Admin);
        using (sessions.Enter(session, 1))
        {
            sessions.ChangeUser("tester");
        }

        session.User.Name.Should().Be("tester");
    }
}
