using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.Diagnostics;

public sealed class LoggingTests : IAsyncLifetime
{
    private const string Password = "Correct-Horse-Battery-Staple-42";
    private static readonly IPEndPoint Client = new(IPAddress.Loopback, 55457);

    private readonly FakeLoggerProvider _logs = new();
    private readonly InMemoryUserDirectory _users = new();
    private ILoggerFactory _factory = null!;
    private SessionManager _manager = null!;

    public ValueTask InitializeAsync()
    {
        _users.AddUser("alice", Password);
        _users.AddUser("bob", "bob-password");
        _users.AddUser("locked", Password, mayConnect: false);
        _factory = _logs.CreateFactory();
        _manager = new SessionManager(new SessionManagerOptions(), _users, _factory);
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
        record.GetStructuredStateValue("SessionId").Should().Be(session.Id.AsLogged());
        record.GetStructuredStateValue("SessionType").Should().Be("binary");
        record.GetStructuredStateValue("Peer").Should().Be("127.0.0.1:55457");
        record.GetStructuredStateValue("UserName").Should().Be("guest");
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
        record.GetStructuredStateValue("SessionId").Should().Be(session.Id.AsLogged());
        record.GetStructuredStateValue("UserName").Should().Be("alice");
    }

    [Fact]
    public async Task AuthFailure_LogsEvent4_AuthFailed_AtWarning_WithoutTheNameAsSent()
    {
        var session = await _manager.ConnectAsync(SessionType.Binary);

        // A client that typed its password into the name field: the name as sent must not be logged either.
        await FluentActions.Awaiting(() => _manager.AuthenticateAsync(session, Password, Password).AsTask()).Should().ThrowAsync<AuthenticationFailedException>();

        var record = Single(4, "AuthFailed");
        record.Level.Should().Be(LogLevel.Warning);
        record.GetStructuredStateValue("SessionId").Should().Be(session.Id.AsLogged());
        record.GetStructuredStateValue("Reason").Should().Be("unknown user or invalid credentials");
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
        record.GetStructuredStateValue("Access").Should().Be("Su");
        record.GetStructuredStateValue("ObjectType").Should().Be("user");
        record.GetStructuredStateValue("ObjectName").Should().Be("bob");
        record.GetStructuredStateValue("UserName").Should().Be("alice");
        record.GetStructuredStateValue("SessionId").Should().Be(session.Id.AsLogged());
    }

    [Fact]
    public async Task AuthOfAUserThatMayNotConnect_LogsEvent5_AccessDenied()
    {
        var session = await _manager.ConnectAsync(SessionType.Binary);

        await FluentActions.Awaiting(() => _manager.AuthenticateAsync(session, "locked", Password).AsTask()).Should().ThrowAsync<AccessDeniedException>();

        var record = Single(5, "AccessDenied");
        record.GetStructuredStateValue("Access").Should().Be("Session");
        record.GetStructuredStateValue("ObjectType").Should().Be("universe");
        record.GetStructuredStateValue("UserName").Should().Be("locked");
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
        record.GetStructuredStateValue("TriggerList").Should().Be("on_disconnect");
        record.GetStructuredStateValue("TriggerName").Should().Be("cleanup");
        record.GetStructuredStateValue("SessionId").Should().Be(session.Id.AsLogged());
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
        disconnected.GetStructuredStateValue("SessionId").Should().Be(session.Id.AsLogged());
        var destroyed = Single(8, "SessionDestroyed");
        destroyed.Level.Should().Be(LogLevel.Trace);
        _logs.Collector.GetSnapshot().ToList().IndexOf(disconnected).Should().BeLessThan(_logs.Collector.GetSnapshot().ToList().IndexOf(destroyed));
    }

    [Fact]
    public async Task Shutdown_LogsEvent9_ShutdownStarted_AndEvent10_ShutdownCompleted()
    {
        await _manager.ConnectAsync(SessionType.Binary);
        await _manager.ConnectAsync(SessionType.Binary);

        await _manager.DisposeAsync();

        var started = Single(9, "ShutdownStarted");
        started.Level.Should().Be(LogLevel.Information);
        started.GetStructuredStateValue("Count").Should().Be("2");
        started.GetStructuredStateValue("Timeout").Should().Be(SessionManagerOptions.DefaultShutdownTimeout.AsLogged());
        Single(10, "ShutdownCompleted").Level.Should().Be(LogLevel.Information);
        _logs.Collector.GetSnapshot().Should().NotContain(r => r.Id.Id == 11);
    }

    [Fact]
    public async Task ShutdownPastTheTimeout_LogsEvent11_ShutdownTimedOut_AtWarning()
    {
        var time = new TimerCountingTimeProvider();
        var manager = new SessionManager(new SessionManagerOptions { ShutdownTimeout = TimeSpan.FromSeconds(5) }, _users, _factory, time);
        manager.OnDisconnect.Add(c => new ValueTask(Task.Delay(Timeout.Infinite, c.CancellationToken)));
        var stuck = await manager.ConnectAsync(SessionType.Binary);

        var disposing = manager.DisposeAsync().AsTask();
        await time.FirstTimerCreated.WaitAsync(TimeSpan.FromMinutes(1)); // shutdown arms its timeout timer

        time.Advance(TimeSpan.FromSeconds(5));
        await disposing.WaitAsync(TimeSpan.FromSeconds(10));

        var record = Single(11, "ShutdownTimedOut");
        record.Level.Should().Be(LogLevel.Warning);
        record.GetStructuredStateValue("Count").Should().Be("1");
        record.GetStructuredStateValue("Timeout").Should().Be(TimeSpan.FromSeconds(5).AsLogged());
        record.GetStructuredStateValue("SessionIds").Should().Be(stuck.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task TriggerRuns_CarryALoggingScope_WithSessionIdTypeUserAndPeer()
    {
        var logs = new FakeLoggerProvider();
        using var factory = logs.CreateFactory();
        await using var manager = new SessionManager(new SessionManagerOptions(), _users, factory);
        var triggerLogger = factory.CreateLogger("HostTrigger");

        // SessionKit's session scope reads the session live and FakeLogRecord keeps the scope object itself, so a later
        // user change would show in it. Copy the scopes' pairs right after each write, as a console logger formats them.
        var seen = new Dictionary<string, List<Dictionary<string, object?>>>();
        void KeepScopesOf(string message) => seen[message] = logs.Collector.GetSnapshot().Last(r => r.Message == message).Scopes
            .OfType<IEnumerable<KeyValuePair<string, object?>>>()
            .Select(pairs => pairs.ToDictionary(kv => kv.Key, kv => kv.Value))
            .ToList();

        manager.OnConnect.Add(_ =>
        {
            triggerLogger.LogInformation("in on_connect");
            KeepScopesOf("in on_connect");
            return default;
        });
        manager.OnAuth.Add(_ =>
        {
            triggerLogger.LogInformation("in on_auth");
            KeepScopesOf("in on_auth");
            return default;
        });
        manager.OnDisconnect.Add(async _ =>
        {
            await Task.Yield();
            triggerLogger.LogInformation("in on_disconnect");
            KeepScopesOf("in on_disconnect");
        });
        var session = await manager.ConnectAsync(new SessionType("c2s"), Client);
        await manager.AuthenticateAsync(session, "alice", Password);
        triggerLogger.LogInformation("outside");
        KeepScopesOf("outside");

        await manager.DisconnectAsync(session);

        var expected = (string user) => new Dictionary<string, object?>
        {
            ["SessionId"] = session.Id,
            ["SessionType"] = "c2s",
            ["UserName"] = user,
            ["Peer"] = "127.0.0.1:55457",
        };
        seen["in on_connect"].Should().ContainSingle().Which.Should().BeEquivalentTo(expected("guest"));
        seen["in on_auth"].Should().ContainSingle().Which.Should().BeEquivalentTo(expected("guest"), "on_auth runs before the user switch");
        seen["in on_disconnect"].Should().ContainSingle().Which.Should().BeEquivalentTo(expected("alice"));
        seen["outside"].Should().BeEmpty("the scope never leaks out of a trigger run");
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

        _logs.Collector.GetSnapshot().Should().NotBeEmpty();
        AssertNoRecordContains(Password);
    }

    private FakeLogRecord Single(int id, string name)
    {
        var matches = _logs.Collector.GetSnapshot().Where(r => r.Id.Id == id).ToArray();
        matches.Should().ContainSingle($"one event {id} should be logged");
        matches[0].Id.Name.Should().Be(name);
        return matches[0];
    }

    private void AssertNoRecordContains(string secret)
    {
        foreach (var record in _logs.Collector.GetSnapshot())
        {
            record.Message.Should().NotContain(secret);
            foreach (var kv in record.StructuredState ?? [])
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

    private static void AssertSessionScope(FakeLogRecord record, ulong id, string type, string user, string peer)
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
