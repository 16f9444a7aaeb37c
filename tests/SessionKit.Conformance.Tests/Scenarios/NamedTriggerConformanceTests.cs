using SessionKit.Conformance.Tests.SessionKitSide;
using SessionKit.Conformance.Tests.Tarantool;

namespace SessionKit.Conformance.Tests.Scenarios;

/// <summary>
/// Named triggers (<c>on_x(f, nil, name)</c>, Tarantool 3.x) do not exist in 2.6: the call stores a trigger whose
/// function is nil, which breaks every later connection (spec §3.2, case 54). SessionKit implements the 3.x meaning.
/// This scenario breaks its server on purpose, so it has a class (and a server) of its own.
/// </summary>
public sealed class NamedTriggerConformanceTests(TarantoolFixture tarantool) : IClassFixture<TarantoolFixture>, IAsyncLifetime
{
    private readonly SessionKitServer _sk = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _sk.DisposeAsync();

    [Fact]
    public async Task NamedAdd_Tarantool26StoresABrokenTrigger_SessionKitAddsANamedTrigger()
    {
        TarantoolRun tt;
        try
        {
            tt = await tarantool.RunAsync("""
                return {
                    setup = [[box.session.on_connect(rec('on_connect', 'N'), nil, 'audit')]],
                    run = function(h)
                        local raw = h.raw()
                        local packet = raw:read_packet()
                        raw:close()
                        return {packet = packet}
                    end,
                }
                """);
        }
        finally
        {
            // The nil trigger cannot be removed: no later scenario may use this server.
            tarantool.Discard();
        }

        _sk.Manager.OnConnect.Add("audit", _sk.Rec("on_connect", "N"));
        await (await _sk.ConnectAsync()).CloseAsync();

        // Tarantool 2.6: the trigger is invisible in the listing and every connection fails.
        tt.SetupError.Should().BeNull();
        tt.Listings["on_connect"].Should().BeEmpty();
        tt.Events.Should().BeEmpty();
        tt.Text("packet", "error").Should().Be("attempt to call a nil value");

        // SessionKit (3.x): a trigger named "audit" that runs.
        _sk.Manager.OnConnect.Select(i => i.Name).Should().Equal("audit");
        TriggerEvent.Describe(_sk.Events).Should().Equal("on_connect N s1 guest/admin binary sync=0");
    }
}
