using SessionKit.Conformance.Tests.SessionKitSide;
using SessionKit.Conformance.Tests.Tarantool;

namespace SessionKit.Conformance.Tests.Scenarios;

/// <summary>
/// The one-argument <c>box.session.su(user)</c> (SessionKit's <c>ChangeUser</c>) changes the session user and the
/// effective user of the current fiber (flow) for the rest of the current scope, on Tarantool 2.6 and on SessionKit:
/// the remaining <c>on_connect</c> triggers run as the new user, and inside <c>su(user, f)</c> the rest of the function
/// does too. <c>on_disconnect</c> runs as admin again on both.
/// </summary>
public sealed class ChangeUserConformanceTests(TarantoolFixture tarantool) : IClassFixture<TarantoolFixture>
{
    [Fact]
    public async Task ChangeUserInOnConnect_TheRemainingOnConnectTriggersRunAsTheNewUser_OnBoth()
    {
        // Run order is newest first on both: S (which switches) runs before B.
        var tt = await tarantool.RunAsync("""
            return {
                setup = [[
                    box.session.on_connect(rec('on_connect', 'B'))
                    box.session.on_connect(function()
                        record('on_connect', 'S-before')
                        box.session.su('alice')
                        record('on_connect', 'S-after')
                    end)
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
        sk.Manager.OnConnect.Add(sk.Rec("on_connect", "B"));
        sk.Manager.OnConnect.Add(_ =>
        {
            sk.Record("on_connect", "S-before");
            sk.Manager.ChangeUser("alice");
            sk.Record("on_connect", "S-after");
            return default;
        });
        sk.Manager.OnDisconnect.Add(sk.Rec("on_disconnect", "D"));
        var client = await sk.ConnectAsync();
        var me = client.Request(tt.Number("me", "sync"), m => (m.User, m.EffectiveUser));
        await client.CloseAsync();

        string[] expected =
        [
            "on_connect S-before s1 guest/admin binary sync=0",
            "on_connect S-after s1 alice/alice binary sync=0",
            "on_connect B s1 alice/alice binary sync=0",
            "on_disconnect D s1 alice/admin binary sync=0",
        ];
        TriggerEvent.Describe(tt.Events).Should().Equal(expected);
        TriggerEvent.Describe(sk.Events).Should().Equal(expected);
        (tt.Text("me", "user"), tt.Text("me", "euser")).Should().Be(("alice", "alice"));
        me.Should().Be(("alice", "alice"));
    }

    [Fact]
    public async Task ChangeUserInsideSuWithAFunction_TheRestOfTheFunctionRunsAsTheNewUser_OnBoth()
    {
        var tt = await tarantool.RunAsync("""
            return {
                setup = [[
                    function su_then_change(target)
                        local inside = box.session.su('admin', function()
                            local before = {user = box.session.user(), euser = box.session.effective_user()}
                            box.session.su(target)
                            return {before = before, after = {user = box.session.user(), euser = box.session.effective_user()}}
                        end)
                        return {inside = inside, after = {user = box.session.user(), euser = box.session.effective_user()}, sync = box.session.sync()}
                    end
                ]],
                run = function(h)
                    local c = h.connect('admin', 'adminpw')
                    local r = h.call(c, 'su_then_change', 'alice')
                    c:close()
                    h.admin('su_then_change = nil')
                    return r
                end,
            }
            """);

        await using var sk = new SessionKitServer();
        var client = await sk.ConnectAsync("admin", "adminpw");
        var sk2 = client.Request(tt.Number("sync"), m =>
        {
            var inside = m.Su("admin", () =>
            {
                var before = (m.User, m.EffectiveUser);
                m.ChangeUser("alice");
                return (Before: before, After: (m.User, m.EffectiveUser));
            });
            return (Inside: inside, After: (m.User, m.EffectiveUser));
        });
        await client.CloseAsync();

        (tt.Text("inside", "before", "user"), tt.Text("inside", "before", "euser")).Should().Be(("admin", "admin"));
        (tt.Text("inside", "after", "user"), tt.Text("inside", "after", "euser")).Should().Be(("alice", "alice"));
        (tt.Text("after", "user"), tt.Text("after", "euser")).Should().Be(("alice", "alice"));
        sk2.Inside.Before.Should().Be(("admin", "admin"));
        sk2.Inside.After.Should().Be(("alice", "alice"));
        sk2.After.Should().Be(("alice", "alice"));
    }
}
