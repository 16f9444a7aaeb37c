using System.Globalization;
using SessionKit.Conformance.Tests.SessionKitSide;
using SessionKit.Conformance.Tests.Tarantool;

namespace SessionKit.Conformance.Tests.Scenarios;

/// <summary>
/// Spec §5.2 cases that need a scenario of their own: on_connect / on_disconnect around two connections open at once
/// (case 55) and a failing on_access_denied trigger that never changes the client's error (case 74).
/// </summary>
public sealed class SeedCaseConformanceTests(TarantoolFixture tarantool) : IClassFixture<TarantoolFixture>, IAsyncLifetime
{
    private readonly SessionKitServer _sk = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _sk.DisposeAsync();

    [Fact]
    public async Task Case55_OnConnectIncrements_OnDisconnectDecrements_TwoConnectionsOpenAtOnce_Count1Then2Then0_OnBoth()
    {
        var tt = await tarantool.RunAsync("""
            return {
                setup = [[
                    seed55 = 0
                    box.session.on_connect(function() seed55 = seed55 + 1; record('on_connect', 'inc', seed55) end)
                    box.session.on_disconnect(function() seed55 = seed55 - 1; record('on_disconnect', 'dec', seed55) end)
                ]],
                run = function(h)
                    local c1 = h.connect()
                    local one = h.admin('return seed55')
                    local c2 = h.connect()
                    local two = h.admin('return seed55')
                    c1:close()
                    c2:close()
                    return {one = one, two = two}
                end,
            }
            """);

        var counter = 0;
        _sk.Manager.OnConnect.Add(_ =>
        {
            _sk.Record("on_connect", "inc", Text(Interlocked.Increment(ref counter)));
            return default;
        });
        _sk.Manager.OnDisconnect.Add(_ =>
        {
            _sk.Record("on_disconnect", "dec", Text(Interlocked.Decrement(ref counter)));
            return default;
        });
        var c1 = await _sk.ConnectAsync();
        var one = Volatile.Read(ref counter);
        var c2 = await _sk.ConnectAsync();
        var two = Volatile.Read(ref counter);
        var openAtOnce = _sk.Manager.Count;
        await c1.CloseAsync();
        await c2.CloseAsync();

        // Both connections were open together (the count reached 2); the counter then fell back to 0. The two
        // disconnects may run in either order on Tarantool, so the values are compared, not the session of each.
        (string, string?)[] expected = [("on_connect", "1"), ("on_connect", "2"), ("on_disconnect", "1"), ("on_disconnect", "0")];
        tt.Events.Select(e => (e.List, e.Args[0])).Should().Equal(expected);
        _sk.Events.Select(e => (e.List, e.Args[0])).Should().Equal(expected);
        (tt.Number("one"), tt.Number("two")).Should().Be((1UL, 2UL));
        (one, two, openAtOnce).Should().Be((1, 2, 2));
        tt.Events.Select(e => e.SessionId).Distinct().Should().HaveCount(2);
        _sk.Events.Select(e => e.SessionId).Distinct().Should().HaveCount(2);
        Volatile.Read(ref counter).Should().Be(0);
        _sk.Manager.Count.Should().Be(0);
    }

    [Fact]
    public async Task Case74_AFailingOnAccessDeniedTrigger_NeverChangesTheClientsError_TarantoolForObjects_SessionKitForSuAndChangeUser()
    {
        // Tarantool fires on_access_denied for objects SessionKit does not have (a function, the universe for eval, a
        // space); SessionKit fires it for what it does refuse: Su and ChangeUser (the session privilege is in
        // TriggerErrorConformanceTests). On both, a failing trigger leaves the error the client gets unchanged.
        var tt = await tarantool.RunAsync("""
            return {
                setup = [[
                    box.schema.func.create('seed74_secret', {if_not_exists = true})
                    local sp = box.schema.space.create('seed74_sp', {if_not_exists = true})
                    sp:create_index('pk', {if_not_exists = true})
                    box.session.on_access_denied(rec('on_access_denied', 'X1'))
                    box.session.on_access_denied(rec('on_access_denied', 'X2', 'ad boom'))
                ]],
                run = function(h)
                    local c = h.connect('alice', 'secret')
                    local call = h.call(c, 'seed74_secret')
                    local ok, eval = pcall(c.eval, c, 'return 1')
                    c:close()
                    -- alice cannot see the space in net.box's schema, so the SELECT goes over a raw connection.
                    local id = h.admin('return box.space.seed74_sp.id')
                    local raw = h.raw()
                    raw:auth('alice', 'secret')
                    local sel = raw:send(0x01, {[0x10] = id, [0x11] = 0, [0x12] = 4294967295, [0x13] = 0, [0x14] = 0, [0x20] = {}})
                    raw:close()
                    return {call = call.error, eval = ok and 'ok' or eval.message, select = sel.error}
                end,
            }
            """);

        _sk.Manager.OnAccessDenied.Add(_sk.RecAccessDenied("X1"));
        _sk.Manager.OnAccessDenied.Add(_sk.RecAccessDenied("X2", "ad boom"));
        var client = await _sk.ConnectAsync("alice", "secret");
        var su = FluentActions.Invoking(() => client.Request(2, m => m.Su("admin", () => m.EffectiveUser))).Should().Throw<AccessDeniedException>().Which;
        var change = FluentActions.Invoking(() => client.Request(3, m =>
        {
            m.ChangeUser("admin");
            return 0;
        })).Should().Throw<AccessDeniedException>().Which;
        await client.CloseAsync();

        // Tarantool 2.6: each denial fires the trigger with its object; X2's error stops the list (X1 never runs) and
        // the client still gets the access-denied error.
        tt.Events.Select(e => e.Trigger + " " + string.Join(",", e.Args)).Should().Equal(
            "X2 Execute,function,seed74_secret",
            "X2 Execute,universe,",
            "X2 Read,space,seed74_sp");
        tt.Text("call").Should().Be("Execute access to function 'seed74_secret' is denied for user 'alice'");
        tt.Text("eval").Should().Be("Execute access to universe '' is denied for user 'alice'");
        tt.Text("select").Should().Be("Read access to space 'seed74_sp' is denied for user 'alice'");

        // SessionKit: every trigger runs, in the refused request's context; the caller's error is the refusal.
        TriggerEvent.Describe(_sk.Events).Should().Equal(
            "on_access_denied X2 s1 alice/alice binary sync=2 (Su, user, admin)",
            "on_access_denied X1 s1 alice/alice binary sync=2 (Su, user, admin)",
            "on_access_denied X2 s1 alice/alice binary sync=3 (ChangeUser, user, admin)",
            "on_access_denied X1 s1 alice/alice binary sync=3 (ChangeUser, user, admin)");
        su.Message.Should().Be("Su access to user 'admin' is denied for user 'alice'");
        change.Message.Should().Be("ChangeUser access to user 'admin' is denied for user 'alice'");
        _sk.Logs.Collector.GetSnapshot().Count(r => r.Id.Name == "TriggerFailed" && r.Exception?.Message == "ad boom").Should().Be(2);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
