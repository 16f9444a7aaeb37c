using SessionKit.Conformance.Tests.SessionKitSide;
using SessionKit.Conformance.Tests.Tarantool;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Conformance.Tests.Scenarios;

/// <summary>
/// A failing trigger in each list: what ran, what the client got, and whether on_disconnect ran, on Tarantool 2.6
/// and on SessionKit.
/// </summary>
public sealed class TriggerErrorConformanceTests(TarantoolFixture tarantool) : IClassFixture<TarantoolFixture>, IAsyncLifetime
{
    private const int TriggerFailedEventId = 6;

    private readonly SessionKitServer _sk = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _sk.DisposeAsync();

    [Fact]
    public async Task OnConnectError_SkipsTheRest_ReachesTheClient_RunsOnDisconnect_NotOnAuth_OnBoth()
    {
        var tt = await tarantool.RunAsync("""
            return {
                setup = [[
                    box.session.on_connect(rec('on_connect', 'A'))
                    box.session.on_connect(rec('on_connect', 'B', 'boom B'))
                    box.session.on_connect(rec('on_connect', 'C'))
                    box.session.on_auth(rec('on_auth', 'U'))
                    box.session.on_disconnect(rec('on_disconnect', 'D'))
                ]],
                run = function(h)
                    local c, netbox = h.connect('alice', 'secret')
                    c:close()
                    local raw = h.raw()
                    local packet = raw:read_packet()
                    local closed = raw:closed_by_server()
                    raw:close()
                    return {netbox = netbox, greeting = raw.greeting ~= nil, packet = packet, closed = closed}
                end,
            }
            """);

        _sk.Manager.OnConnect.Add(_sk.Rec("on_connect", "A"));
        _sk.Manager.OnConnect.Add(_sk.Rec("on_connect", "B", "boom B"));
        _sk.Manager.OnConnect.Add(_sk.Rec("on_connect", "C"));
        _sk.Manager.OnAuth.Add(_sk.RecAuth("U"));
        _sk.Manager.OnDisconnect.Add(_sk.Rec("on_disconnect", "D"));
        var withCredentials = await _sk.ConnectAsync("alice", "secret");
        var plain = await _sk.ConnectAsync();

        string[] expected =
        [
            "on_connect C s1 guest/admin binary sync=0",
            "on_connect B s1 guest/admin binary sync=0",
            "on_disconnect D s1 guest/admin binary sync=0",
            "on_connect C s2 guest/admin binary sync=0",
            "on_connect B s2 guest/admin binary sync=0",
            "on_disconnect D s2 guest/admin binary sync=0",
        ];
        TriggerEvent.Describe(tt.Events).Should().Equal(expected);
        TriggerEvent.Describe(_sk.Events).Should().Equal(expected);

        // What the client got. Tarantool sends the greeting, one error packet with the trigger's message (ER_PROC_LUA,
        // 32), then closes; net.box only reports "Peer closed". SessionKit throws the trigger's exception to the host,
        // which sends it; the session is already closed.
        tt.Flag("greeting").Should().BeTrue();
        tt.Number("packet", "errcode").Should().Be(32);
        tt.Text("packet", "error").Should().Be("boom B");
        tt.Flag("closed").Should().BeTrue();
        tt.Text("netbox", "state").Should().Be("error");
        tt.Text("netbox", "error").Should().Be("Peer closed");
        withCredentials.Error.Should().BeOfType<LuaError>().Which.Message.Should().Be("boom B");
        plain.Error!.Message.Should().Be("boom B");
        plain.Session.Should().BeNull();
        _sk.Manager.Count.Should().Be(0);
    }

    [Fact]
    public async Task OnAuthError_SkipsTheRest_ReachesTheClient_AndOnDisconnectRuns_OnBoth()
    {
        var tt = await tarantool.RunAsync("""
            return {
                setup = [[
                    box.session.on_auth(rec('on_auth', 'U1'))
                    box.session.on_auth(rec('on_auth', 'U2', 'auth boom'))
                    box.session.on_auth(rec('on_auth', 'U3'))
                    box.session.on_disconnect(rec('on_disconnect', 'D'))
                ]],
                run = function(h)
                    local c, netbox = h.connect('alice', 'secret')
                    c:close()
                    return {netbox = netbox}
                end,
            }
            """);

        _sk.Manager.OnAuth.Add(_sk.RecAuth("U1"));
        _sk.Manager.OnAuth.Add(_sk.RecAuth("U2", "auth boom"));
        _sk.Manager.OnAuth.Add(_sk.RecAuth("U3"));
        _sk.Manager.OnDisconnect.Add(_sk.Rec("on_disconnect", "D"));
        var client = await _sk.ConnectAsync("alice", "secret");

        string[] expected =
        [
            "on_auth U3 s1 guest/guest binary sync=1 (alice, true)",
            "on_auth U2 s1 guest/guest binary sync=1 (alice, true)",
            "on_disconnect D s1 guest/admin binary sync=0",
        ];
        TriggerEvent.Describe(tt.Events).Should().Equal(expected, "the user never switched to alice");
        TriggerEvent.Describe(_sk.Events).Should().Equal(expected);
        tt.Text("netbox", "state").Should().Be("error");
        tt.Text("netbox", "error").Should().Be("auth boom");
        client.Error.Should().BeOfType<LuaError>().Which.Message.Should().Be("auth boom");
        client.Session!.User.Name.Should().Be("guest");
    }

    [Fact]
    public async Task OnAuthError_Tarantool26KeepsTheConnectionAsTheOldUser_SessionKitClosesTheSession()
    {
        // A raw client shows what net.box hides: the 2.6 server answers the AUTH with the trigger's error and keeps
        // serving the connection as the previous user. SessionKit closes the session, as Tarantool's docs say.
        var tt = await tarantool.RunAsync("""
            return {
                setup = [[
                    box.session.on_auth(rec('on_auth', 'U', 'auth boom'))
                    box.session.on_disconnect(rec('on_disconnect', 'D'))
                ]],
                run = function(h)
                    local raw = h.raw()
                    local auth = raw:auth('alice', 'secret')
                    local after = raw:call('whoami')
                    raw:close()
                    return {auth = auth, after = after}
                end,
            }
            """);

        _sk.Manager.OnAuth.Add(_sk.RecAuth("U", "auth boom"));
        _sk.Manager.OnDisconnect.Add(_sk.Rec("on_disconnect", "D"));
        var session = await _sk.Manager.ConnectAsync(SessionType.Binary);
        Exception? authError;
        using (_sk.Manager.Enter(session, 1))
        {
            authError = (await FluentActions.Awaiting(() => _sk.Manager.AuthenticateAsync(session, "alice", "secret").AsTask())
                .Should().ThrowAsync<LuaError>()).Which;
        }

        // Same triggers ran.
        string[] expected =
        [
            "on_auth U s1 guest/guest binary sync=1 (alice, true)",
            "on_disconnect D s1 guest/admin binary sync=0",
        ];
        TriggerEvent.Describe(tt.Events).Should().Equal(expected);
        TriggerEvent.Describe(_sk.Events).Should().Equal(expected);
        tt.Text("auth", "error").Should().Be("auth boom");
        authError!.Message.Should().Be("auth boom");

        // Tarantool 2.6: the next request on the same connection still runs, as guest.
        tt.Text("after", "data", 0, "user").Should().Be("guest");
        tt.Number("after", "sync").Should().Be(2);

        // SessionKit: the session is closed, so no request can enter it.
        session.State.Should().Be(SessionState.Destroyed);
        FluentActions.Invoking(() => _sk.Manager.Enter(session, 2)).Should().Throw<SessionClosedException>();
    }

    [Fact]
    public async Task OnDisconnectError_Tarantool26SkipsTheRest_SessionKitRunsEveryTrigger_BothLogIt()
    {
        var marker = "disc boom " + Guid.NewGuid().ToString("N");
        var tt = await tarantool.RunAsync($$"""
            return {
                setup = [[
                    box.session.on_disconnect(rec('on_disconnect', 'D1'))
                    box.session.on_disconnect(rec('on_disconnect', 'D2', '{{marker}}'))
                    box.session.on_disconnect(rec('on_disconnect', 'D3'))
                ]],
                run = function(h)
                    local c, netbox = h.connect('alice', 'secret')
                    local me = h.call(c, 'whoami')
                    c:close()
                    return {netbox = netbox, me = me}
                end,
            }
            """);

        _sk.Manager.OnDisconnect.Add(_sk.Rec("on_disconnect", "D1"));
        _sk.Manager.OnDisconnect.Add(_sk.Rec("on_disconnect", "D2", marker));
        _sk.Manager.OnDisconnect.Add(_sk.Rec("on_disconnect", "D3"));
        var client = await _sk.ConnectAsync("alice", "secret");
        var sessionId = client.Session!.Id;
        await client.CloseAsync();

        // Tarantool 2.6: the error stops the list, so D1 (the oldest) never runs; the error is logged.
        TriggerEvent.Describe(tt.Events).Should().Equal(
            "on_disconnect D3 s1 alice/admin binary sync=0",
            "on_disconnect D2 s1 alice/admin binary sync=0");
        tarantool.ServerLog.Should().Contain("LuajitError: " + marker);

        // SessionKit: every cleanup trigger runs; the error is logged with the session id.
        TriggerEvent.Describe(_sk.Events).Should().Equal(
            "on_disconnect D3 s1 alice/admin binary sync=0",
            "on_disconnect D2 s1 alice/admin binary sync=0",
            "on_disconnect D1 s1 alice/admin binary sync=0");
        var log = _sk.Logs.Collector.GetSnapshot().Should().ContainSingle(r => r.Id.Id == TriggerFailedEventId).Subject;
        log.Exception!.Message.Should().Be(marker);
        log.GetStructuredStateValue("TriggerList").Should().Be("on_disconnect");
        log.GetStructuredStateValue("SessionId").Should().Be(sessionId.AsLogged());
    }

    [Fact]
    public async Task OnAccessDeniedError_NeverReplacesTheError_Tarantool26SkipsTheRestSilently_SessionKitRunsAllAndLogs()
    {
        var marker = "ad boom " + Guid.NewGuid().ToString("N");
        var tt = await tarantool.RunAsync($$"""
            return {
                setup = [[
                    box.session.on_access_denied(rec('on_access_denied', 'X1'))
                    box.session.on_access_denied(rec('on_access_denied', 'X2', '{{marker}}'))
                    box.session.on_auth(rec('on_auth', 'U'))
                    box.session.on_disconnect(rec('on_disconnect', 'D'))
                ]],
                run = function(h)
                    local c, netbox = h.connect('nosess', 'secret')
                    c:close()
                    return {netbox = netbox}
                end,
            }
            """);

        _sk.Manager.OnAccessDenied.Add(_sk.RecAccessDenied("X1"));
        _sk.Manager.OnAccessDenied.Add(_sk.RecAccessDenied("X2", marker));
        _sk.Manager.OnAuth.Add(_sk.RecAuth("U"));
        _sk.Manager.OnDisconnect.Add(_sk.Rec("on_disconnect", "D"));
        var client = await _sk.ConnectAsync("nosess", "secret");

        // Both: on_access_denied runs in the AUTH request's context (guest, sync 1), on_auth does not run, the client
        // gets the access-denied error (not the trigger's), and net.box's close runs on_disconnect.
        // Tarantool 2.6: X2's error stops the list (X1 skipped) and is not logged.
        TriggerEvent.Describe(tt.Events).Should().Equal(
            "on_access_denied X2 s1 guest/guest binary sync=1 (Session, universe, )",
            "on_disconnect D s1 guest/admin binary sync=0");
        tt.Text("netbox", "error").Should().Be("Session access to universe '' is denied for user 'nosess'");
        tarantool.ServerLog.Should().NotContain(marker);

        // SessionKit: every on_access_denied trigger runs and each error is logged; the message has no universe.
        TriggerEvent.Describe(_sk.Events).Should().Equal(
            "on_access_denied X2 s1 guest/guest binary sync=1 (Session, universe, )",
            "on_access_denied X1 s1 guest/guest binary sync=1 (Session, universe, )",
            "on_disconnect D s1 guest/admin binary sync=0");
        client.Error.Should().BeOfType<AccessDeniedException>().Which.Message.Should().Be("Session access is denied for user 'nosess'");
        var log = _sk.Logs.Collector.GetSnapshot().Should().ContainSingle(r => r.Id.Id == TriggerFailedEventId).Subject;
        log.Exception!.Message.Should().Be(marker);
        log.GetStructuredStateValue("TriggerList").Should().Be("on_access_denied");
    }
}
