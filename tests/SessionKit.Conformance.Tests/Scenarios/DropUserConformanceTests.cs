using SessionKit.Conformance.Tests.Tarantool;

namespace SessionKit.Conformance.Tests.Scenarios;

/// <summary>
/// spec §5.2 case 39: dropping the current session's user, from inside <c>su('admin', ...)</c> while the session user
/// is that user, is refused with the same message on a real Tarantool and on SessionKit, and the user stays.
/// </summary>
public sealed class DropUserConformanceTests(TarantoolFixture tarantool) : IClassFixture<TarantoolFixture>
{
    private const string Refused = "Failed to drop user or role 'tester': the user is active in the current session";

    [Fact]
    public async Task DropTheSessionUserInsideSuAdmin_IsRefusedWithTheSameMessage_AndTheUserStays_OnBoth()
    {
        var tt = await tarantool.RunAsync("""
            return {
                setup = [[
            box.schema.user.create('tester', {password = 'pw', if_not_exists = true})
            box.schema.user.grant('tester', 'execute', 'universe', nil, {if_not_exists = true})
            function drop_tester_as_admin()
                local ok, err = pcall(box.session.su, 'admin', box.schema.user.drop, 'tester')
                return {ok = ok, err = tostring(err), user = box.session.user()}
            end
                ]],
                run = function(h)
                    local c = h.connect('tester', 'pw')
                    local r = h.call(c, 'drop_tester_as_admin')
                    c:close()
                    local exists = h.admin("return box.schema.user.exists('tester')")
                    h.admin("box.schema.user.drop('tester', {if_exists = true}) drop_tester_as_admin = nil")
                    return {r = r, exists = exists}
                end,
            }
            """);

        var directory = new InMemoryUserDirectory();
        directory.AddUser("tester", "pw");

        // Tarantool checks nobody's su; the permissive policy plays that part here.
        await using var sessions = new SessionManager(new SessionManagerOptions { SwitchUserPolicy = _ => true }, directory);
        var session = await sessions.ConnectAsync(SessionType.Binary);
        await sessions.AuthenticateAsync(session, "tester", "pw");
        Exception? refused = null;
        string user;
        using (sessions.Enter(session, 1))
        {
            refused = Record.Exception(() => sessions.Su("admin", () => directory.RemoveUser("tester")));
            user = sessions.User;
        }

        tt.SetupError.Should().BeNull();
        tt.Flag("r", "ok").Should().BeFalse();
        tt.Text("r", "err").Should().Be(Refused);
        tt.Text("r", "user").Should().Be("tester");
        tt.Flag("exists").Should().BeTrue();

        refused.Should().BeOfType<InvalidOperationException>().Which.Message.Should().Be(Refused);
        user.Should().Be("tester");
        directory.TryFindUser("tester", out _).Should().BeTrue();
        session.State.Should().Be(SessionState.Open);
    }
}
