using SessionKit.Conformance.Tests.SessionKitSide;
using SessionKit.Conformance.Tests.Tarantool;

namespace SessionKit.Conformance.Tests.Scenarios;

/// <summary>
/// Run order, listing, duplicates, replace and changes made during a run: the same scenario on Tarantool 2.6 and on
/// SessionKit. Where SessionKit follows Tarantool 3.x instead of 2.6, each side is asserted explicitly.
/// </summary>
public sealed class TriggerListConformanceTests(TarantoolFixture tarantool) : IClassFixture<TarantoolFixture>, IAsyncLifetime
{
    private readonly SessionKitServer _sk = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _sk.DisposeAsync();

    [Fact]
    public async Task RunOrder_OfOneToFourTriggers_IsNewestFirst_OnBoth()
    {
        var tt = await tarantool.RunAsync("""
            return {
                run = function(h)
                    for _, label in ipairs({'A', 'B', 'C', 'D'}) do
                        h.admin("box.session.on_connect(rec('on_connect', '" .. label .. "'))")
                        local c = h.connect()
                        c:close()
                    end
                end,
            }
            """);

        foreach (var label in new[] { "A", "B", "C", "D" })
        {
            _sk.Manager.OnConnect.Add(_sk.Rec("on_connect", label));
            await (await _sk.ConnectAsync()).CloseAsync();
        }

        string[] expected =
        [
            "on_connect A s1 guest/admin binary sync=0",
            "on_connect B s2 guest/admin binary sync=0",
            "on_connect A s2 guest/admin binary sync=0",
            "on_connect C s3 guest/admin binary sync=0",
            "on_connect B s3 guest/admin binary sync=0",
            "on_connect A s3 guest/admin binary sync=0",
            "on_connect D s4 guest/admin binary sync=0",
            "on_connect C s4 guest/admin binary sync=0",
            "on_connect B s4 guest/admin binary sync=0",
            "on_connect A s4 guest/admin binary sync=0",
        ];
        TriggerEvent.Describe(tt.Events).Should().Equal(expected);
        TriggerEvent.Describe(_sk.Events).Should().Equal(expected);
    }

    [Fact]
    public async Task Listing_Tarantool26IsOldestFirst_SessionKitIsRunOrder()
    {
        var tt = await tarantool.RunAsync("""
            return {
                setup = [[
                    box.session.on_connect(rec('on_connect', 'A'))
                    box.session.on_connect(rec('on_connect', 'B'))
                    box.session.on_connect(rec('on_connect', 'C'))
                ]],
                run = function(h)
                    local c = h.connect()
                    c:close()
                end,
            }
            """);

        _sk.Manager.OnConnect.Add(_sk.Rec("on_connect", "A"));
        _sk.Manager.OnConnect.Add(_sk.Rec("on_connect", "B"));
        _sk.Manager.OnConnect.Add(_sk.Rec("on_connect", "C"));
        await (await _sk.ConnectAsync()).CloseAsync();

        // Same run order on both.
        TriggerEvent.Labels(tt.Events).Should().Equal("C", "B", "A");
        TriggerEvent.Labels(_sk.Events).Should().Equal("C", "B", "A");

        // Difference: 2.6 lists oldest first (the reverse of the run order); SessionKit lists in run order, like 3.x.
        tt.Listings["on_connect"].Should().Equal("A", "B", "C");
        _sk.Listing(_sk.Manager.OnConnect).Should().Equal("C", "B", "A");
    }

    [Fact]
    public async Task Duplicates_Tarantool26KeepsBoth_SessionKitKeepsOne()
    {
        var tt = await tarantool.RunAsync("""
            return {
                setup = [[
                    T = {a = rec('on_connect', 'A'), c = rec('on_connect', 'C')}
                    box.session.on_connect(T.a)
                    box.session.on_connect(T.c)
                    box.session.on_connect(T.a)
                ]],
                run = function(h)
                    local first = h.admin("return listing('on_connect')")
                    local c = h.connect()
                    c:close()
                    h.admin("box.session.on_connect(nil, T.a)")
                    local second = h.admin("return listing('on_connect')")
                    c = h.connect()
                    c:close()
                    return {first = first, second = second}
                end,
            }
            """);

        var a = _sk.Rec("on_connect", "A");
        var c = _sk.Rec("on_connect", "C");
        _sk.Manager.OnConnect.Add(a);
        _sk.Manager.OnConnect.Add(c);
        _sk.Manager.OnConnect.Add(a);
        var skFirst = _sk.Listing(_sk.Manager.OnConnect);
        await (await _sk.ConnectAsync()).CloseAsync();
        _sk.Manager.OnConnect.Remove(a);
        var skSecond = _sk.Listing(_sk.Manager.OnConnect);
        await (await _sk.ConnectAsync()).CloseAsync();

        // Tarantool 2.6: A is registered twice and runs twice; deleting A removes the newer copy only.
        tt.Find("first")!.Value.EnumerateArray().Select(x => x.GetString()).Should().Equal("A", "C", "A");
        tt.Find("second")!.Value.EnumerateArray().Select(x => x.GetString()).Should().Equal("A", "C");
        TriggerEvent.Describe(tt.Events).Should().Equal(
            "on_connect A s1 guest/admin binary sync=0",
            "on_connect C s1 guest/admin binary sync=0",
            "on_connect A s1 guest/admin binary sync=0",
            "on_connect C s2 guest/admin binary sync=0",
            "on_connect A s2 guest/admin binary sync=0");

        // SessionKit (3.x): the second Add(A) is a no-op, so one Remove(A) leaves only C.
        skFirst.Should().Equal("C", "A");
        skSecond.Should().Equal("C");
        TriggerEvent.Describe(_sk.Events).Should().Equal(
            "on_connect C s1 guest/admin binary sync=0",
            "on_connect A s1 guest/admin binary sync=0",
            "on_connect C s2 guest/admin binary sync=0");
    }

    [Fact]
    public async Task PositionalReplace_Tarantool26KeepsThePlace_SessionKitMovesToTheFront()
    {
        var tt = await tarantool.RunAsync("""
            return {
                setup = [[
                    T = {}
                    for _, label in ipairs({'A', 'B', 'C'}) do
                        T[label] = rec('on_connect', label)
                        box.session.on_connect(T[label])
                    end
                    box.session.on_connect(rec('on_connect', 'D'), T.B)
                ]],
                run = function(h)
                    local c = h.connect()
                    c:close()
                end,
            }
            """);

        var t = new Dictionary<string, Func<SessionTriggerContext, ValueTask>>();
        foreach (var label in new[] { "A", "B", "C" })
        {
            t[label] = _sk.Rec("on_connect", label);
            _sk.Manager.OnConnect.Add(t[label]);
        }

        _sk.Manager.OnConnect.Replace(t["B"], _sk.Rec("on_connect", "D"));
        await (await _sk.ConnectAsync()).CloseAsync();

        // Tarantool 2.6: D takes B's place.
        tt.Listings["on_connect"].Should().Equal("A", "D", "C");
        TriggerEvent.Labels(tt.Events).Should().Equal("C", "D", "A");

        // SessionKit (3.x): B leaves and D goes to the front of the run order.
        _sk.Listing(_sk.Manager.OnConnect).Should().Equal("D", "C", "A");
        TriggerEvent.Labels(_sk.Events).Should().Equal("D", "C", "A");
    }

    [Fact]
    public async Task ReplaceWithItself_KeepsThePlace_OnBoth()
    {
        var tt = await tarantool.RunAsync("""
            return {
                setup = [[
                    T = {}
                    for _, label in ipairs({'A', 'B', 'C'}) do
                        T[label] = rec('on_connect', label)
                        box.session.on_connect(T[label])
                    end
                    box.session.on_connect(T.B, T.B)
                ]],
                run = function(h)
                    local c = h.connect()
                    c:close()
                end,
            }
            """);

        var t = new Dictionary<string, Func<SessionTriggerContext, ValueTask>>();
        foreach (var label in new[] { "A", "B", "C" })
        {
            t[label] = _sk.Rec("on_connect", label);
            _sk.Manager.OnConnect.Add(t[label]);
        }

        _sk.Manager.OnConnect.Replace(t["B"], t["B"]);
        await (await _sk.ConnectAsync()).CloseAsync();

        tt.SetupError.Should().BeNull();
        TriggerEvent.Labels(tt.Events).Should().Equal("C", "B", "A");
        TriggerEvent.Labels(_sk.Events).Should().Equal("C", "B", "A");
        tt.Listings["on_connect"].Should().Equal(new[] { "A", "B", "C" }, "2.6 lists oldest first");
        _sk.Listing(_sk.Manager.OnConnect).Should().Equal("C", "B", "A");
    }

    [Fact]
    public async Task ReplacingOrRemovingAMissingTrigger_FailsWithTheSameMessage_OnBoth()
    {
        var tt = await tarantool.RunAsync("""
            return {
                setup = [[box.session.on_connect(rec('on_connect', 'A'))]],
                run = function(h)
                    local ok1, e1 = pcall(h.admin, "box.session.on_connect(rec('on_connect', 'D'), function() end)")
                    local ok2, e2 = pcall(h.admin, "box.session.on_connect(nil, function() end)")
                    return {replace = {ok1, e1.message}, remove = {ok2, e2.message}}
                end,
            }
            """);

        _sk.Manager.OnConnect.Add(_sk.Rec("on_connect", "A"));
        var replace = FluentActions.Invoking(() => _sk.Manager.OnConnect.Replace(_ => default, _sk.Rec("on_connect", "D")))
            .Should().Throw<TriggerNotFoundException>().Which;
        var remove = FluentActions.Invoking(() => _sk.Manager.OnConnect.Remove(_ => default))
            .Should().Throw<TriggerNotFoundException>().Which;

        tt.Flag("replace", 0).Should().BeFalse();
        tt.Text("replace", 1).Should().EndWith("trigger reset: Trigger is not found");
        tt.Flag("remove", 0).Should().BeFalse();
        tt.Text("remove", 1).Should().EndWith("trigger reset: Trigger is not found");
        replace.Message.Should().Be("trigger reset: Trigger is not found");
        remove.Message.Should().Be("trigger reset: Trigger is not found");
        tt.Listings["on_connect"].Should().Equal("A");
        _sk.Listing(_sk.Manager.OnConnect).Should().Equal("A");
    }

    [Fact]
    public async Task AddedDuringARun_RunsFromTheNextEvent_OnBoth()
    {
        // Spec §5.2 case 72: Z deletes itself and adds X.
        var tt = await tarantool.RunAsync("""
            return {
                setup = [[
                    local x = rec('on_connect', 'X')
                    local z
                    z = function()
                        record('on_connect', 'Z')
                        box.session.on_connect(nil, z)
                        box.session.on_connect(x)
                    end
                    names[z] = 'Z'
                    box.session.on_connect(rec('on_connect', 'Y'))
                    box.session.on_connect(rec('on_connect', 'W'))
                    box.session.on_connect(z)
                ]],
                run = function(h)
                    for _ = 1, 2 do
                        local c = h.connect()
                        c:close()
                    end
                end,
            }
            """);

        var x = _sk.Rec("on_connect", "X");
        Func<SessionTriggerContext, ValueTask>? z = null;
        z = _sk.Label<SessionTriggerContext>("Z", _ =>
        {
            _sk.Record("on_connect", "Z");
            _sk.Manager.OnConnect.Remove(z!);
            _sk.Manager.OnConnect.Add(x);
            return default;
        });
        _sk.Manager.OnConnect.Add(_sk.Rec("on_connect", "Y"));
        _sk.Manager.OnConnect.Add(_sk.Rec("on_connect", "W"));
        _sk.Manager.OnConnect.Add(z);
        for (var i = 0; i < 2; i++)
        {
            await (await _sk.ConnectAsync()).CloseAsync();
        }

        string[] expected =
        [
            "on_connect Z s1 guest/admin binary sync=0",
            "on_connect W s1 guest/admin binary sync=0",
            "on_connect Y s1 guest/admin binary sync=0",
            "on_connect X s2 guest/admin binary sync=0",
            "on_connect W s2 guest/admin binary sync=0",
            "on_connect Y s2 guest/admin binary sync=0",
        ];
        TriggerEvent.Describe(tt.Events).Should().Equal(expected);
        TriggerEvent.Describe(_sk.Events).Should().Equal(expected);
        tt.Listings["on_connect"].Should().Equal("Y", "W", "X");
        _sk.Listing(_sk.Manager.OnConnect).Should().Equal("X", "W", "Y");
    }

    [Fact]
    public async Task RemovedDuringARun_BeforeItsTurn_DoesNotRun_OnBoth()
    {
        var tt = await tarantool.RunAsync("""
            return {
                setup = [[
                    local r3 = rec('on_connect', 'R3')
                    local r1 = function()
                        record('on_connect', 'R1')
                        pcall(box.session.on_connect, nil, r3)
                    end
                    names[r1] = 'R1'
                    box.session.on_connect(r3)
                    box.session.on_connect(rec('on_connect', 'R2'))
                    box.session.on_connect(r1)
                ]],
                run = function(h)
                    for _ = 1, 2 do
                        local c = h.connect()
                        c:close()
                    end
                end,
            }
            """);

        var r3 = _sk.Rec("on_connect", "R3");
        _sk.Manager.OnConnect.Add(r3);
        _sk.Manager.OnConnect.Add(_sk.Rec("on_connect", "R2"));
        _sk.Manager.OnConnect.Add(_sk.Label<SessionTriggerContext>("R1", _ =>
        {
            _sk.Record("on_connect", "R1");
            if (_sk.Manager.OnConnect.Any(i => i.Handler == r3))
            {
                _sk.Manager.OnConnect.Remove(r3);
            }

            return default;
        }));
        for (var i = 0; i < 2; i++)
        {
            await (await _sk.ConnectAsync()).CloseAsync();
        }

        string[] expected = ["R1", "R2", "R1", "R2"];
        TriggerEvent.Labels(tt.Events).Should().Equal(expected);
        TriggerEvent.Labels(_sk.Events).Should().Equal(expected);
    }

    [Fact]
    public async Task PositionalReplaceDuringARun_Tarantool26RunsTheReplacementAtOnce_SessionKitFromTheNextEvent()
    {
        var tt = await tarantool.RunAsync("""
            return {
                setup = [[
                    local r3 = rec('on_connect', 'R3')
                    local r4 = rec('on_connect', 'R4')
                    local r1 = function()
                        record('on_connect', 'R1')
                        pcall(box.session.on_connect, r4, r3)
                    end
                    names[r1] = 'R1'
                    box.session.on_connect(r3)
                    box.session.on_connect(rec('on_connect', 'R2'))
                    box.session.on_connect(r1)
                ]],
                run = function(h)
                    for _ = 1, 2 do
                        local c = h.connect()
                        c:close()
                    end
                end,
            }
            """);

        var r3 = _sk.Rec("on_connect", "R3");
        var r4 = _sk.Rec("on_connect", "R4");
        _sk.Manager.OnConnect.Add(r3);
        _sk.Manager.OnConnect.Add(_sk.Rec("on_connect", "R2"));
        _sk.Manager.OnConnect.Add(_sk.Label<SessionTriggerContext>("R1", _ =>
        {
            _sk.Record("on_connect", "R1");
            if (_sk.Manager.OnConnect.Any(i => i.Handler == r3))
            {
                _sk.Manager.OnConnect.Replace(r3, r4);
            }

            return default;
        }));
        for (var i = 0; i < 2; i++)
        {
            await (await _sk.ConnectAsync()).CloseAsync();
        }

        // Tarantool 2.6 swaps the function in place, so the running pass reaches R4.
        TriggerEvent.Labels(tt.Events).Should().Equal("R1", "R2", "R4", "R1", "R2", "R4");
        tt.Listings["on_connect"].Should().Equal("R4", "R2", "R1");

        // SessionKit (3.x): R3 leaves and R4 goes to the head, which the running pass has already passed.
        TriggerEvent.Labels(_sk.Events).Should().Equal("R1", "R2", "R4", "R1", "R2");
        _sk.Listing(_sk.Manager.OnConnect).Should().Equal("R4", "R1", "R2");
    }
}
