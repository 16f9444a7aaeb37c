using System.Net;
using Microsoft.Extensions.Logging;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.Diagnostics;

public sealed class LoggingTests : IAsyncLifetime
{
    private const string Password = "Correct-Horse-Battery-Staple-42";
    private static readonly IPEndPoint Client = new(IPAddress.Loopback, 55457);

    private readonly InMemoryLoggerProvider _logs = new();
    private readonly InMemoryUserDirectory _users = new();
    private ILoggerFactory _factory = null!;
    private SessionManager _manager = null!;

    public ValueTask InitializeAsync()
    {
        _users.AddUser("alice", Password);
        _users.AddUser("bob", "bob-password");
        _users.AddUser("locked", Password, mayConnect: false);
        _factory = _logs.CreateFactory();
        _manager = new SessionManager(new SessionOptions(), _users, _factory);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _manager.DisposeAsync();
        _factory.Dispose();
    }

    [Fact]
    public async Task Connect_LogsEvent1_SessionConnected_AtDebug()
    {
        var session = await _manager.ConnectAsync(SessionType.Binary, Client);

        var record = Single(1, "SessionConnected");
        record.Level.Should().Be(LogLevel.Debug);
        record.Category.Should().Be("SessionKit.SessionManager");
        record["SessionId"].Should().Be(session.Id);
        record["SessionType"].Should().Be("binary");
        record["Peer"].Should().Be("127.0.0.1:55457");
        record["UserName"].Should().Be("guest");
    }

    [Fact]
    public async Task ConnectRefusedByOnConnect_LogsEvent2_ConnectRefused_WithTheError()
    {
        var error = new InvalidOperationException("no room");
        _manager.OnConnect.Add(_ => throw error);

        await FluentActions.Awaiting(() => _manager.ConnectAsync(SessionType.Binary).AsTask()).Should().ThrowAsync<InvalidOperationException>();

        var record = Single(2, "ConnectRefused");
        record.Level.Should().Be(LogLevel.Warning);
        record.Exception.Should().BeSameAs(error);
    }

    [Fact]
    public async Task AuthSuccess_LogsEvent3_AuthSucceeded_AtInformation()
    {
        var session = await _manager.ConnectAsync(SessionType.Binary);

        await _manager.AuthenticateAsync(session, "alice", Password);

        var record = Single(3, "AuthSucceeded");
        record.Level.Should().Be(LogLevel.Information);
        record["SessionId"].Should().Be(session.Id);
        record["UserName"].Should().Be("alice");
    }

    [Fact]
    public async Task AuthFailure_LogsEvent4_AuthFailed_AtWarning_WithoutTheNameAsSent()
    {
        var session = await _manager.ConnectAsync(SessionType.Binary);

        // A client that typed its password into the name field: the name as sent must not be logged either.
        await FluentActions.Awaiting(() => _manager.AuthenticateAsync(session, Password, Password).AsTask()).Should().ThrowAsync<AuthenticationFailedException>();

        var record = Single(4, "AuthFailed");
        record.Level.Should().Be(LogLevel.Warning);
        record["SessionId"].Should().Be(session.Id);
        record["Reason"].Should().Be("unknown user or invalid credentials");
        AssertNoRecordContains(Password);
    }

    [Fact]
    public async Task SuRefused_LogsEvent5_AccessDenied_AtWarning()
    {
        var session = await _manager.ConnectAsync(SessionType.Binary);
        await _manager.AuthenticateAsync(session, "alice", Password);

        using (_manager.Enter(session, 3))
        {
            FluentActions.Invoking(() => _manager.Su("bob")).Should().Throw<AccessDeniedException>();
        }

        var record = Single(5, "AccessDenied");
        record.Level.Should().Be(LogLevel.Warning);
        record["Access"].Should().Be("Su");
        record["ObjectType"].Should().Be("user");
        record["ObjectName"].Should().Be("bob");
        record["UserName"].Should().Be("alice");
        record["SessionId"].Should().Be(session.Id);
    }

    [Fact]
    public async Task AuthOfAUserThatMayNotConnect_LogsEvent5_AccessDenied()
    {
        var session = await _manager.ConnectAsync(SessionType.Binary);

        await FluentActions.Awaiting(() => _manager.AuthenticateAsync(session, "locked", Password).AsTask()).Should().ThrowAsync<AccessDeniedException>();

        var record = Single(5, "AccessDenied");
        record["Access"].Should().Be("Session");
        record["ObjectType"].Should().Be("universe");
        record["UserName"].Should().Be("locked");
    }

    [Fact]
    public async Task OnDisconnectFailure_LogsEvent6_TriggerFailed_AtError_InsideTheSessionScope()
    {
        var error = new InvalidOperationException("cleanup failed");
        _manager.OnDisconnect.Add("cleanup", _ => throw error);
        var session = await _manager.ConnectAsync(SessionType.Binary, Client);
        await _manager.AuthenticateAsync(session, "alice", Password);

        await _manager.DisconnectAsync(session);

        var record = Single(6, "TriggerFailed");
        record.Level.Should().Be(LogLevel.Error);
        record["TriggerList"].Should().Be("on_disconnect");
        record["TriggerName"].Should().Be("cleanup");
        record["SessionId"].Should().Be(session.Id);
        record.Exception.Should().BeSameAs(error);
        AssertSessionScope(record, session.Id, "binary", "alice", "127.0.0.1:55457");
    }

    [Fact]
    public async Task Disconnect_LogsEvent7_SessionDisconnected_ThenEvent8_SessionDestroyed()
    {
        var session = await _manager.ConnectAsync(SessionType.Binary);

        await _manager.DisconnectAsync(session);

        var disconnected = Single(7, "SessionDisconnected");
        disconnected.Level.Should().Be(LogLevel.Debug);
        disconnected["SessionId"].Should().Be(session.Id);
        var destroyed = Single(8, "SessionDestroyed");
        destroyed.Level.Should().Be(LogLevel.Trace);
        _logs.Records.ToList().IndexOf(disconnected).Should().BeLessThan(_logs.Records.ToList().IndexOf(destroyed));
    }

    [Fact]
    public async Task Shutdown_LogsEvent9_ShutdownStarted_AndEvent10_ShutdownCompleted()
    {
        await _manager.ConnectAsync(SessionType.Binary);
        await _manager.ConnectAsync(SessionType.Binary);

        await _manager.DisposeAsync();

        var started = Single(9, "ShutdownStarted");
        started.Level.Should().Be(LogLevel.Information);
        started["Count"].Should().Be(2);
        started["Timeout"].Should().Be(SessionOptions.DefaultShutdownTimeout);
        Single(10, "ShutdownCompleted").Level.Should().Be(LogLevel.Information);
        _logs.Records.Should().NotContain(r => r.EventId.Id == 11);
    }

    [Fact]
    public async Task ShutdownPastTheTimeout_LogsEvent11_ShutdownTimedOut_AtWarning()
    {
        var time = new ManualTimeProvider();
        var manager = new SessionManager(new SessionOptions { ShutdownTimeout = TimeSpan.FromSeconds(5) }, _users, _factory, time);
        manager.OnDisconnect.Add(c => new ValueTask(Task.Delay(Timeout.Infinite, c.CancellationToken)));
        var stuck = await manager.ConnectAsync(SessionType.Binary);

        var disposing = manager.DisposeAsync().AsTask();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (time.ActiveTimers == 0)
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "shutdown should arm its timeout timer");
            await Task.Delay(5);
        }

        time.Advance(TimeSpan.FromSeconds(5));
        await disposing.WaitAsync(TimeSpan.FromSeconds(10));

        var record = Single(11, "ShutdownTimedOut");
        record.Level.Should().Be(LogLevel.Warning);
        record["Count"].Should().Be(1);
        record["Timeout"].Should().Be(TimeSpan.FromSeconds(5));
        record["SessionIds"].Should().Be(stuck.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task TriggerRuns_CarryALoggingScope_WithSessionIdTypeUserAndPeer()
    {
        var snapshots = new ScopeSnapshotLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(snapshots));
        await using var manager = new SessionManager(new SessionOptions(), _users, factory);
        var triggerLogger = factory.CreateLogger("HostTrigger");
        manager.OnConnect.Add(_ =>
        {
            triggerLogger.LogInformation("in on_connect");
            return default;
        });
        manager.OnAuth.Add(_ =>
        {
            triggerLogger.LogInformation("in on_auth");
            return default;
        });
        manager.OnDisconnect.Add(async _ =>
        {
            await Task.Yield();
            triggerLogger.LogInformation("in on_disconnect");
        });
        var session = await manager.ConnectAsync(new SessionType("c2s"), Client);
        await manager.AuthenticateAsync(session, "alice", Password);
        triggerLogger.LogInformation("outside");

        await manager.DisconnectAsync(session);

        var expected = (string message, string user) => new Dictionary<string, object?>
        {
            ["SessionId"] = session.Id,
            ["SessionType"] = "c2s",
            ["UserName"] = user,
            ["Peer"] = "127.0.0.1:55457",
        };
        snapshots.Records.Single(r => r.Message == "in on_connect").Scopes.Should().ContainSingle().Which.Should().BeEquivalentTo(expected("c", "guest"));
        snapshots.Records.Single(r => r.Message == "in on_auth").Scopes.Should().ContainSingle().Which.Should().BeEquivalentTo(expected("a", "guest"), "on_auth runs before the user switch");
        snapshots.Records.Single(r => r.Message == "in on_disconnect").Scopes.Should().ContainSingle().Which.Should().BeEquivalentTo(expected("d", "alice"));
        snapshots.Records.Single(r => r.Message == "outside").Scopes.Should().BeEmpty("the scope never leaks out of a trigger run");
    }

    [Fact]
    public async Task Passwords_NeverAppear_InAnyRecordScopeOrExceptionMessage()
    {
        _manager.OnDisconnect.Add(_ => throw new InvalidOperationException("cleanup failed"));
        var session = await _manager.ConnectAsync(SessionType.Binary, Client);
        await FluentActions.Awaiting(() => _manager.AuthenticateAsync(session, "alice", "wrong-" + Password).AsTask()).Should().ThrowAsync<AuthenticationFailedException>();
        await FluentActions.Awaiting(() => _manager.AuthenticateAsync(session, "nobody", Password).AsTask()).Should().ThrowAsync<AuthenticationFailedException>();
        await FluentActions.Awaiting(() => _manager.AuthenticateAsync(session, "locked", Password).AsTask()).Should().ThrowAsync<AccessDeniedException>();
        await _manager.AuthenticateAsync(session, "alice", Password);
        session.Storage.Set("api-key", Password);
        await _manager.DisconnectAsync(session);

        var other = await _manager.ConnectAsync(SessionType.Binary);
        _manager.OnAuth.Add(_ => throw new InvalidOperationException("on_auth refuses"));
        var refused = await FluentActions.Awaiting(() => _manager.AuthenticateAsync(other, "alice", Password).AsTask()).Should().ThrowAsync<InvalidOperationException>();
        refused.Which.ToString().Should().NotContain(Password);
        await _manager.DisposeAsync();

        _logs.Records.Should().NotBeEmpty();
        AssertNoRecordContains(Password);
    }

    private LogRecord Single(int id, string name)
    {
        var matches = _logs.Records.Where(r => r.EventId.Id == id).ToArray();
        matches.Should().ContainSingle($"one event {id} should be logged");
        matches[0].EventId.Name.Should().Be(name);
        return matches[0];
    }

    private void AssertNoRecordContains(string secret)
    {
        foreach (var record in _logs.Records)
        {
            record.Message.Should().NotContain(secret);
            foreach (var kv in record.State)
            {
                Convert.ToString(kv.Value, System.Globalization.CultureInfo.InvariantCulture)?.Should().NotContain(secret);
            }

            foreach (var scope in record.Scopes)
            {
                Convert.ToString(scope, System.Globalization.CultureInfo.InvariantCulture)?.Should().NotContain(secret);
                if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                {
                    foreach (var pair in pairs)
                    {
                        Convert.ToString(pair.Value, System.Globalization.CultureInfo.InvariantCulture)?.Should().NotContain(secret);
                    }
                }
            }

            record.Exception?.ToString().Should().NotContain(secret);
        }
    }

    private static void AssertSessionScope(LogRecord record, ulong id, string type, string user, string peer)
    {
        var scope = record.Scopes.OfType<IEnumerable<KeyValuePair<string, object?>>>()
            .Select(s => s.ToDictionary(kv => kv.Key, kv => kv.Value))
            .SingleOrDefault(s => s.ContainsKey("SessionId"));
        scope.Should().NotBeNull("a trigger run carries the session's logging scope");
        scope!.Should().BeEquivalentTo(new Dictionary<string, object?>
        {
            ["SessionId"] = id,
            ["SessionType"] = type,
            ["UserName"] = user,
            ["Peer"] = peer,
        });
    }
}
