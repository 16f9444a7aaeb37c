using System.Net;
using System.Reflection;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests;

/// <summary>
/// Issue 12, defect 6: a <see cref="Session"/> is safe to hold forever. Every public member of a destroyed session
/// answers, and a <see cref="Session.Closed"/> token taken before the destroy stays usable after it.
/// </summary>
public sealed class SessionTombstoneTests
{
    private readonly FastUserDirectory _users = new();

    public SessionTombstoneTests() => _users.Add("tester");

    [Fact]
    public async Task ClosedToken_TakenBeforeDestroy_StaysUsableAfterIt()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);
        var token = session.Closed;
        await sessions.DisconnectAsync(session);
        session.State.Should().Be(SessionState.Destroyed);

        var ran = false;
        var read = () =>
        {
            token.WaitHandle.WaitOne(0).Should().BeTrue();
            using var registration = token.Register(() => ran = true);
            return session.Closed.IsCancellationRequested;
        };

        read.Should().NotThrow("the token of a tombstone answers").Which.Should().BeTrue();
        ran.Should().BeTrue("a callback registered on a cancelled token runs at once");
        token.IsCancellationRequested.Should().BeTrue();
    }

    [Fact]
    public async Task EveryPublicMember_OfADestroyedSession_Answers()
    {
        var connection = new RecordingConnection();
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(new ConnectOptions { User = "tester", Host = "example.org", Peer = new IPEndPoint(IPAddress.Loopback, 9000), Connection = connection });
        await sessions.Users.BindResourceAsync(session, "phone");
        session.Storage.Set("k", "v");
        await sessions.DisconnectAsync(session);
        session.State.Should().Be(SessionState.Destroyed);

        // Explicit expectations for each member.
        session.Manager.Should().BeSameAs(sessions);
        session.Id.Should().Be(1UL);
        session.Type.Should().Be(SessionType.Binary);
        session.User.Name.Should().Be("tester");
        session.Peer.Should().Be("127.0.0.1:9000");
        session.Host.Should().Be("example.org");
        session.ConnectedAt.Should().NotBe(default);
        session.Storage.Count.Should().Be(0);
        FluentActions.Invoking(() => session.Storage.Set("k", "v")).Should().Throw<SessionClosedException>("a tombstone's storage refuses writes with the documented exception");
        session.Closed.IsCancellationRequested.Should().BeTrue();
        session.Resource.Should().Be("phone");
        session.FullAddress.Should().Be("tester@example.org/phone");
        session.BareAddress.Should().Be("tester@example.org");
        session.Facets.Should().Be(SessionFacets.None);
        session.Connection.Should().BeSameAs(connection);
        (await session.SendAsync("late")).Should().BeFalse();
        await session.CloseAsync(SessionCloseReason.Kicked);
        session.ToString().Should().Contain("Destroyed");

        // Setters keep working on the tombstone and change nothing that matters.
        session.Type = SessionType.Console;
        session.Priority = 5;
        session.IsAvailable = true;
        session.IsInterested = true;
        session.Priority.Should().Be(5);
        session.Facets.Should().Be(SessionFacets.None);

        // And a sweep over every public member by reflection, so a member added later is covered too.
        foreach (var property in typeof(Session).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            FluentActions.Invoking(() => property.GetValue(session)).Should().NotThrow($"reading Session.{property.Name} on a tombstone answers");
        }

        foreach (var method in typeof(Session).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Where(m => !m.IsSpecialName))
        {
            var arguments = method.GetParameters().Select(ArgumentFor).ToArray();
            var call = async () =>
            {
                var result = method.Invoke(session, arguments);
                switch (result)
                {
                    case ValueTask pending:
                        await pending;
                        break;
                    case ValueTask<bool> pending:
                        await pending;
                        break;
                }
            };
            await call.Should().NotThrowAsync($"Session.{method.Name} on a tombstone answers");
        }
    }

    private static object? ArgumentFor(ParameterInfo parameter) =>
        parameter.ParameterType == typeof(object) ? "message"
        : parameter.ParameterType == typeof(CancellationToken) ? CancellationToken.None
        : parameter.HasDefaultValue ? parameter.DefaultValue
        : throw new InvalidOperationException($"No test argument for {parameter.Member.Name}({parameter.Name}).");
}
