using SessionKit.Conformance.Tests.SessionKitSide;
using SessionKit.Conformance.Tests.Tarantool;

namespace SessionKit.Conformance.Tests.Scenarios;

/// <summary>
/// on_auth for a successful login, a wrong password, an unknown user, guest and no credentials, and a user without
/// the session privilege. SessionKit follows Tarantool 2.11+'s authentication order, so where 2.6 differs both sides
/// are asserted.
/// </summary>
public sealed class AuthConformanceTests(TarantoolFixture tarantool) : IClassFixture<TarantoolFixture>, IAsyncLifetime
{
    private const string Triggers = """
        box.session.on_auth(rec('on_auth', 'U'))
        box.session.on_access_denied(rec('on_access_denied', 'X'))
        box.session.on_disconnect(rec('on_disconnect', 'D'))
        """;

    private readonly SessionKitServer _sk = new();

    public ValueTask InitializeAsync()
    {
        _sk.Manager.OnAuth.Add(_sk.RecAuth("U"));
        _sk.Manager.OnAccessDenied.Add(_sk.RecAccessDenied("X"));
        _sk.Manager.OnDisconnect.Add(_sk.Rec("on_disconnect", "D"));
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _sk.DisposeAsync();

    [Fact]
    public async Task Success_RunsOnAuthAsGuest_ThenRequestsRunAsTheUser_OnBoth()
    {
        var tt = await tarantool.RunAsync(Scenario("""
            local c, netbox = h.connect('alice', 'secret')
            local me = h.call(c, 'whoami')
            c:close()
            return {netbox = netbox, me = me}
            """));

        var client = await _sk.ConnectAsync("alice", "secret");
        var sync = tt.Number("me", "sync");
        var me = client.Request(sync, m => (m.User, m.EffectiveUser, m.Sync));
        await client.CloseAsync();

        string[] expected =
        [
            "on_auth U s1 guest/guest binary sync=1 (alice, true)",
            "on_disconnect D s1 alice/admin binary sync=0",
        ];
        TriggerEvent.Describe(tt.Events).Should().Equal(expected);
        TriggerEvent.Describe(_sk.Events).Should().Equal(expected);
        tt.Text("netbox", "state").Should().Be("active");
        (tt.Text("me", "user"), tt.Text("me", "euser")).Should().Be(("alice", "alice"));
        me.Should().Be(("alice", "alice", sync));
        client.Error.Should().BeNull();
    }

    [Fact]
    public async Task WrongPassword_RunsOnAuthFalse_OnBoth_ButTheErrorTextDiffers()
    {
        var tt = await tarantool.RunAsync(Scenario("""
            local c, netbox = h.connect('alice', 'wrong')
            c:close()
            return {netbox = netbox}
            """));

        var client = await _sk.ConnectAsync("alice", "wrong");

        string[] expected =
        [
            "on_auth U s1 guest/guest binary sync=1 (alice, false)",
            "on_disconnect D s1 guest/admin binary sync=0",
        ];
        TriggerEvent.Describe(tt.Events).Should().Equal(expected);
        TriggerEvent.Describe(_sk.Events).Should().Equal(expected);

        // 2.6 names the user; SessionKit uses 2.11+'s one message for every credentials failure.
        tt.Text("netbox", "error").Should().Be("Incorrect password supplied for user 'alice'");
        client.Error.Should().BeOfType<AuthenticationFailedException>().Which.Message.Should().Be("User not found or supplied credentials are invalid");
    }

    [Fact]
    public async Task UnknownUser_Tarantool26SkipsOnAuth_SessionKitRunsItWithTheNameAsSent()
    {
        var tt = await tarantool.RunAsync(Scenario("""
            local c, netbox = h.connect('eve', 'whatever')
            c:close()
            return {netbox = netbox}
            """));

        var client = await _sk.ConnectAsync("eve", "whatever");

        // Tarantool 2.6: no on_auth, and an error that tells the client the user does not exist.
        TriggerEvent.Describe(tt.Events).Should().Equal("on_disconnect D s1 guest/admin binary sync=0");
        tt.Text("netbox", "error").Should().Be("User 'eve' is not found");

        // SessionKit (2.11+): on_auth('eve', false) and the same error as a wrong password (no user enumeration).
        TriggerEvent.Describe(_sk.Events).Should().Equal(
            "on_auth U s1 guest/guest binary sync=1 (eve, false)",
            "on_disconnect D s1 guest/admin binary sync=0");
        client.Error.Should().BeOfType<AuthenticationFailedException>().Which.Message.Should().Be("User not found or supplied credentials are invalid");
    }

    [Fact]
    public async Task Case63_GuestAndANonGuestUser_WithAnEmptyPassword_RunOnAuth_WithoutCredentials_DoesNot_OnBoth()
    {
        // Spec §5.2 case 63: no credentials → no on_auth; guest with an empty password → on_auth('guest', true);
        // test2, a user whose password is empty → on_auth('test2', true), and its requests run as test2.
        var tt = await tarantool.RunAsync(Scenario("""
            local c1, guest = h.connect('guest', '')
            c1:close()
            local c2, anonymous = h.connect()
            c2:close()
            local c3, test2 = h.connect('test2', '')
            local me = h.call(c3, 'whoami')
            c3:close()
            return {guest = guest, anonymous = anonymous, test2 = test2, me = me}
            """));

        await (await _sk.ConnectAsync("guest", string.Empty)).CloseAsync();
        await (await _sk.ConnectAsync()).CloseAsync();
        var test2 = await _sk.ConnectAsync("test2", string.Empty);
        var me = test2.Request(7, m => (m.User, m.EffectiveUser));
        await test2.CloseAsync();

        string[] expected =
        [
            "on_auth U s1 guest/guest binary sync=1 (guest, true)",
            "on_disconnect D s1 guest/admin binary sync=0",
            "on_disconnect D s2 guest/admin binary sync=0",
            "on_auth U s3 guest/guest binary sync=1 (test2, true)",
            "on_disconnect D s3 test2/admin binary sync=0",
        ];
        TriggerEvent.Describe(tt.Events).Should().Equal(expected);
        TriggerEvent.Describe(_sk.Events).Should().Equal(expected);
        tt.Text("guest", "state").Should().Be("active");
        tt.Text("anonymous", "state").Should().Be("active");
        tt.Text("test2", "state").Should().Be("active");
        (tt.Text("me", "user"), tt.Text("me", "euser")).Should().Be(("test2", "test2"));
        test2.Error.Should().BeNull();
        me.Should().Be(("test2", "test2"));
    }

    [Fact]
    public async Task UserWithoutSessionPrivilege_RightPassword_FiresOnAccessDeniedNotOnAuth_OnBoth_ButTheTextDiffers()
    {
        var tt = await tarantool.RunAsync(Scenario("""
            local c, netbox = h.connect('nosess', 'secret')
            c:close()
            return {netbox = netbox}
            """));

        var client = await _sk.ConnectAsync("nosess", "secret");

        string[] expected =
        [
            "on_access_denied X s1 guest/guest binary sync=1 (Session, universe, )",
            "on_disconnect D s1 guest/admin binary sync=0",
        ];
        TriggerEvent.Describe(tt.Events).Should().Equal(expected);
        TriggerEvent.Describe(_sk.Events).Should().Equal(expected);
        tt.Text("netbox", "error").Should().Be("Session access to universe '' is denied for user 'nosess'");
        client.Error.Should().BeOfType<AccessDeniedException>().Which.Message.Should().Be("Session access is denied for user 'nosess'");
    }

    [Fact]
    public async Task UserWithoutSessionPrivilege_WrongPassword_Tarantool26DeniesAccessFirst_SessionKitChecksThePasswordFirst()
    {
        var tt = await tarantool.RunAsync(Scenario("""
            local c, netbox = h.connect('nosess', 'wrong')
            c:close()
            return {netbox = netbox}
            """));

        var client = await _sk.ConnectAsync("nosess", "wrong");

        // Tarantool 2.6 checks the session privilege before the password: access denied, no on_auth.
        TriggerEvent.Describe(tt.Events).Should().Equal(
            "on_access_denied X s1 guest/guest binary sync=1 (Session, universe, )",
            "on_disconnect D s1 guest/admin binary sync=0");
        tt.Text("netbox", "error").Should().Be("Session access to universe '' is denied for user 'nosess'");

        // SessionKit (2.11+ order): the password first, so a wrong password is a plain credentials failure.
        TriggerEvent.Describe(_sk.Events).Should().Equal(
            "on_auth U s1 guest/guest binary sync=1 (nosess, false)",
            "on_disconnect D s1 guest/admin binary sync=0");
        client.Error.Should().BeOfType<AuthenticationFailedException>();
    }

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
}
