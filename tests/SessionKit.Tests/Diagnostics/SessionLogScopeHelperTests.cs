using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.Diagnostics;

/// <summary>
/// <see cref="SessionLoggerExtensions.BeginSessionScope"/>: the host's own log lines inside a request name the session
/// (id, user, sync); lines outside the scope do not.
/// </summary>
public sealed class SessionLogScopeHelperTests : IAsyncDisposable
{
    private readonly FakeLoggerProvider _logs = new();
    private readonly ILoggerFactory _factory;
    private readonly ILogger _host;
    private readonly FastUserDirectory _users = new();
    private readonly SessionManager _manager;

    public SessionLogScopeHelperTests()
    {
        _users.Add("alice");
        _users.Add("bob");
        _factory = _logs.CreateFactory();
        _host = _factory.CreateLogger("Host.Requests");
        _manager = new SessionManager(directory: _users);
    }

    public async ValueTask DisposeAsync()
    {
        await _manager.DisposeAsync();
        _factory.Dispose();
    }

    [Fact]
    public async Task HostLogLine_InsideTheScope_CarriesSessionIdUserAndSync()
    {
        var session = await _manager.ConnectAsync(SessionType.Binary);
        await _manager.AuthenticateAsync(session, "alice", "secret");

        using (_manager.Enter(session, sync: 42))
        {
            using (_host.BeginSessionScope(_manager))
            {
                _host.LogInformation("handling a request");
            }
        }

        var record = _logs.Collector.GetSnapshot().Should().ContainSingle(r => r.Message == "handling a request").Which;
        var scope = record.Scopes.OfType<IReadOnlyList<KeyValuePair<string, object?>>>().Should().ContainSingle().Which;
        scope.Should().Equal(
            new KeyValuePair<string, object?>("SessionId", session.Id),
            new KeyValuePair<string, object?>("UserName", "alice"),
            new KeyValuePair<string, object?>("Sync", 42UL));
        scope.ToString().Should().Be($"Session {session.Id} (user alice, sync 42)");
    }

    [Fact]
    public async Task HostLogLine_OutsideTheScope_CarriesNoSession()
    {
        var session = await _manager.ConnectAsync(SessionType.Binary);

        using (_manager.Enter(session, sync: 7))
        {
            using (_host.BeginSessionScope(_manager))
            {
                _host.LogInformation("inside");
            }

            _host.LogInformation("after the log scope");
        }

        _host.LogInformation("after the request");

        var records = _logs.Collector.GetSnapshot();
        records.Single(r => r.Message == "inside").Scopes.Should().ContainSingle();
        records.Single(r => r.Message == "after the log scope").Scopes.Should().BeEmpty();
        records.Single(r => r.Message == "after the request").Scopes.Should().BeEmpty();
    }

    [Fact]
    public void OutsideAnySession_OpensNoScope()
    {
        var scope = _host.BeginSessionScope(_manager);
        _host.LogInformation("background work");

        scope.Should().BeNull();
        _logs.Collector.LatestRecord.Scopes.Should().BeEmpty();
    }

    [Fact]
    public async Task DisabledLogger_OpensNoScope()
    {
        var session = await _manager.ConnectAsync(SessionType.Binary);
        using var _ = _manager.Enter(session, 1);

        NullLogger.Instance.BeginSessionScope(_manager).Should().BeNull();
    }

    [Fact]
    public async Task Values_AreCopiedWhenTheScopeOpens()
    {
        var session = await _manager.ConnectAsync(SessionType.Binary);
        await _manager.AuthenticateAsync(session, "alice", "secret");
        var probe = new FakeLogger();

        using (_manager.Enter(session, sync: 5))
        {
            using (probe.BeginSessionScope(_manager))
            {
                await _manager.AuthenticateAsync(session, "bob", "secret");
                probe.LogInformation("after re-authentication");
            }
        }

        var scope = probe.LatestRecord.Scopes.OfType<IReadOnlyList<KeyValuePair<string, object?>>>().Single();
        scope.Should().Contain(new KeyValuePair<string, object?>("UserName", "alice"), "the scope names the user of its request's start");
        _manager.Users.IsOnline("bob").Should().BeTrue();
    }

    [Fact]
    public void ArgumentValidation()
    {
        FluentActions.Invoking(() => SessionLoggerExtensions.BeginSessionScope(null!, _manager))
            .Should().Throw<ArgumentNullException>().WithParameterName("logger");
        FluentActions.Invoking(() => _host.BeginSessionScope(null!))
            .Should().Throw<ArgumentNullException>().WithParameterName("sessions");
    }
}
