using System.Net;
using SessionKit.Conformance.Tests.SessionKitSide;
using SessionKit.Conformance.Tests.Tarantool;

namespace SessionKit.Conformance.Tests.Scenarios;

/// <summary>
/// What id, user, effective_user, type, sync, peer and storage say inside each trigger and inside requests, and su
/// with a function, on Tarantool 2.6 and on SessionKit. The SessionKit host passes each request the sync the
/// Tarantool client's request carried, as a real host passes the wire's request id to <c>Enter</c>.
/// </summary>
public sealed class SessionContextConformanceTests(TarantoolFixture tarantool) : IClassFixture<TarantoolFixture>, IAsyncLifetime
{
    private const string Triggers = """
        box.session.on_connect(rec('on_connect', 'C'))
        box.session.on_auth(rec('on_auth', 'U'))
        box.session.on_disconnect(rec('on_disconnect', 'D'))
        box.session.on_access_denied(rec('on_access_denied', 'X'))
        """;

    private readonly SessionKitServer _sk = new();

    public ValueTask InitializeAsync()
    {
        _sk.Manager.OnConnect.Add(_sk.Rec("on_connect", "C"));
        _sk.Manager.OnAuth.Add(_sk.RecAuth("U"));
        _sk.Manager.OnDisconnect.Add(_sk.Rec("on_disconnect", "D"));
        _sk.Manager.OnAccessDenied.Add(_sk.RecAccessDenied("X"));
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _sk.DisposeAsync();

    [Fact]
    public async Task IdUserEffectiveUserTypeSync_InsideEachTriggerAndInRequests_MatchOnBoth()
    {
        // Spec §5.2 cases 11, 14 and 57. For the sync (case 14) the SessionKit host numbers its own requests, as a real
        // host numbers the packets of its own protocol: the test checks that each request reads the non-zero sync its
        // host passed to Enter, not an echo of Tarantool's.
        const ulong firstHostSync = 41;
        const ulong secondHostSync = 42;
        var tt = await tarantool.RunAsync(Scenario("""
            local c = h.connect('alice', 'secret')
            local first = h.call(c, 'whoami')
            local second = h.call(c, 'whoami')
            c:close()
            return {first = first, second = second}
            """));

        var ttFirst = Request(tt, "first");
        var ttSecond = Request(tt, "second");
        var client = await _sk.ConnectAsync("alice", "secret", IPEndPoint.Parse(ttFirst.Peer!));
        var skFirst = client.Request(firstHostSync, Snapshot);
        var skSecond = client.Request(secondHostSync, Snapshot);
        var skBetween = _sk.Manager.Sync;
        await client.CloseAsync();

        string[] expected =
        [
            "on_connect C s1 guest/admin binary sync=0",
            "on_auth U s1 guest/guest binary sync=1 (alice, true)",
            "on_disconnect D s1 alice/admin binary sync=0",
        ];
        TriggerEvent.Describe(tt.Events).Should().Equal(expected);
        TriggerEvent.Describe(_sk.Events).Should().Equal(expected);

        // Requests run as the authenticated user, in the triggers' session, each with its own non-zero sync.
        ttFirst.Should().Be(new RequestView(tt.Events[0].SessionId, "alice", "alice", "binary", ttFirst.Sync, ttFirst.Peer));
        skFirst.Should().Be(new RequestView(_sk.Events[0].SessionId, "alice", "alice", "binary", firstHostSync, ttFirst.Peer));
        ttFirst.Sync.Should().NotBe(0UL);
        ttSecond.Sync.Should().BeGreaterThan(ttFirst.Sync);
        skSecond.Sync.Should().Be(secondHostSync);
        skBetween.Should().Be(0UL, "outside a request there is no sync");
        tt.Events.Select(e => e.SessionId).Should().OnlyContain(id => id == ttFirst.Id);
        _sk.Events.Select(e => e.SessionId).Should().OnlyContain(id => id == skFirst.Id);

        // The session exists inside every trigger, and on_connect sees the client's address on both.
        tt.Events.Should().OnlyContain(e => e.Exists);
        _sk.Events.Should().OnlyContain(e => e.Exists);
        tt.Events[0].Peer.Should().Be(ttFirst.Peer);
        _sk.Events[0].Peer.Should().Be(ttFirst.Peer);
    }

    [Fact]
    public async Task Storage_SetByARequest_IsVisibleInOnDisconnect_OnBoth()
    {
        var tt = await tarantool.RunAsync(Scenario("""
            local c = h.connect('alice', 'secret')
            local sync = h.call(c, 'set_mark', 'm1')
            c:close()
            return {sync = sync}
            """));

        var client = await _sk.ConnectAsync("alice", "secret");
        client.Request(tt.Number("sync"), m =>
        {
            m.Storage.Set("mark", "m1");
            return m.Sync;
        }).Should().Be(tt.Number("sync"));
        await client.CloseAsync();

        tt.Events.Select(e => (e.List, e.Storage)).Should().Equal(("on_connect", null), ("on_auth", null), ("on_disconnect", "m1"));
        _sk.Events.Select(e => (e.List, e.Storage)).Should().Equal(("on_connect", null), ("on_auth", null), ("on_disconnect", "m1"));
    }

    [Fact]
    public async Task PeerInOnDisconnect_Tarantool26IsNil_SessionKitKeepsTheAddress()
    {
        var tt = await tarantool.RunAsync(Scenario("""
            local c = h.connect('alice', 'secret')
            local me = h.call(c, 'whoami')
            c:close()
            return {me = me}
            """));

        var peer = tt.Text("me", "peer")!;
        var client = await _sk.ConnectAsync("alice", "secret", IPEndPoint.Parse(peer));
        await client.CloseAsync();

        // 2.6 reads the peer from the socket, which is gone in on_disconnect; SessionKit stores it at connect (2.10+).
        tt.Events.Single(e => e.List == "on_disconnect").Peer.Should().BeNull();
        _sk.Events.Single(e => e.List == "on_disconnect").Peer.Should().Be(peer);
        tt.Events.Single(e => e.List == "on_connect").Peer.Should().Be(peer);
        _sk.Events.Single(e => e.List == "on_connect").Peer.Should().Be(peer);
    }

    [Fact]
    public async Task SuWithAFunction_AsAdmin_ChangesTheEffectiveUserOnly_OnBoth()
    {
        var tt = await tarantool.RunAsync(Scenario("""
            local c = h.connect('admin', 'adminpw')
            local r = h.call(c, 'su_probe', 'guest')
            c:close()
            return r
            """));

        var client = await _sk.ConnectAsync("admin", "adminpw");
        var sync = tt.Number("sync");
        var sk = client.Request(sync, m => (Inside: m.Su("guest", () => (m.User, m.EffectiveUser)), After: (m.User, m.EffectiveUser)));
        await client.CloseAsync();

        (tt.Text("inside", "user"), tt.Text("inside", "euser")).Should().Be(("admin", "guest"));
        (tt.Text("after", "user"), tt.Text("after", "euser")).Should().Be(("admin", "admin"));
        sk.Inside.Should().Be(("admin", "guest"));
        sk.After.Should().Be(("admin", "admin"));
        TriggerEvent.Describe(tt.Events).Should().Equal(TriggerEvent.Describe(_sk.Events));
    }

    [Fact]
    public async Task SuWithAFunction_ByANonAdmin_Tarantool26AllowsIt_SessionKitRefusesAndFiresOnAccessDenied()
    {
        var tt = await tarantool.RunAsync(Scenario("""
            local c = h.connect('alice', 'secret')
            local r = h.call(c, 'su_probe', 'guest')
            c:close()
            return r
            """));

        var client = await _sk.ConnectAsync("alice", "secret");
        var sync = tt.Number("sync");
        var refused = FluentActions.Invoking(() => client.Request(sync, m => m.Su("guest", () => m.EffectiveUser)))
            .Should().Throw<AccessDeniedException>().Which;
        await client.CloseAsync();

        // Tarantool never checks who calls su: alice becomes guest for the function, and nothing is denied.
        (tt.Text("inside", "user"), tt.Text("inside", "euser")).Should().Be(("alice", "guest"));
        tt.Events.Should().NotContain(e => e.List == "on_access_denied");

        // SessionKit lets only an effective admin switch (by default): refused, and on_access_denied runs in the
        // request's context.
        refused.Message.Should().Be("Su access to user 'guest' is denied for user 'alice'");
        TriggerEvent.Describe(_sk.Events).Should().Contain($"on_access_denied X s1 alice/alice binary sync={sync} (Su, user, guest)");
    }

    [Fact]
    public async Task ChangingTheSessionUserInsideOnConnect_MakesTheWholeConnectionThatUser_OnBoth()
    {
        // box.session.su('admin') (one argument) inside on_connect runs with effective user admin, so it is allowed on
        // both sides, and it changes the session user for the rest of the connection.
        var tt = await tarantool.RunAsync("""
            return {
                setup = [[
                    box.session.on_connect(function() box.session.su('admin') end)
                    box.session.on_disconnect(rec('on_disconnect', 'D'))
                ]],
                run = function(h)
                    local c = h.connect()
                    local me = h.call(c, 'whoami')
                    c:close()
                    return {me = me}
                end,
            }
            """);

        await using var sk = new SessionKitServer();
        sk.Manager.OnConnect.Add(_ =>
        {
            sk.Manager.ChangeUser("admin");
            return default;
        });
        sk.Manager.OnDisconnect.Add(sk.Rec("on_disconnect", "D"));
        var client = await sk.ConnectAsync();
        var me = client.Request(tt.Number("me", "sync"), m => (m.User, m.EffectiveUser));
        await client.CloseAsync();

        (tt.Text("me", "user"), tt.Text("me", "euser")).Should().Be(("admin", "admin"));
        me.Should().Be(("admin", "admin"));
        TriggerEvent.Describe(tt.Events).Should().Equal("on_disconnect D s1 admin/admin binary sync=0");
        TriggerEvent.Describe(sk.Events).Should().Equal("on_disconnect D s1 admin/admin binary sync=0");
    }

    private static RequestView Snapshot(SessionManager m) => new(m.Id, m.User, m.EffectiveUser, m.Type.Name, m.Sync, m.Peer());

    private static RequestView Request(TarantoolRun run, string name) => new(
        run.Number(name, "id"),
        run.Text(name, "user")!,
        run.Text(name, "euser")!,
        run.Text(name, "type")!,
        run.Number(name, "sync"),
        run.Text(name, "peer"));

    private static string Scenario(string run) => $$"""
        return {
            setup = [[
        {{Triggers}}
            ]],
            run = function(h)
        {{run}}
            end,
        }
        """;

    private sealed record RequestView(ulong Id, string User, string EffectiveUser, string Type, ulong Sync, string? Peer);
}
