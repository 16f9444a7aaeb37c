using System.Reflection;

namespace SessionKit.Tests.Triggers;

/// <summary>
/// The Tarantool 3.x-only trigger cases of spec §5.2 (46–53, 72, 73), ported as plain unit tests. In the Lua originals
/// <c>on_x(f)</c> is <c>Add(f)</c>, <c>on_x(new, old)</c> is <c>Replace(old, new)</c>, <c>on_x(nil, old)</c> is
/// <c>Remove(old)</c>, <c>on_x(f, nil, name)</c> and <c>trigger.set</c> are <c>Add(name, f)</c>, and <c>on_x()</c> is
/// enumeration.
/// </summary>
public sealed class TarantoolV3TriggerCasesTests
{
    private readonly TriggerProbe<int> _probe = new();
    private readonly TriggerList<int> _list = new();

    [Fact]
    public async Task Case46_AddABC_RunsCBA_AndListsCBA()
    {
        _list.Add(_probe.Make("A"));
        _list.Add(_probe.Make("B"));
        _list.Add(_probe.Make("C"));

        (await _probe.RunAsync(_list, 0)).Should().Equal("C", "B", "A");
        _probe.Listing(_list).Should().Equal(new[] { "C", "B", "A" }, "3.x lists in call order (2.6 listed A, B, C)");
    }

    [Fact]
    public void Case47_PositionalReplace_MovesTheNewTriggerToTheFront()
    {
        var h1 = _probe.Make("h1");
        var h2 = _probe.Make("h2");
        var h3 = _probe.Make("h3");
        var h4 = _probe.Make("h4");
        _list.Add(h1);
        _list.Add(h2);
        _list.Add(h3);
        _list.Add(h4);
        _list.Remove(h4);
        _probe.Listing(_list).Should().Equal("h3", "h2", "h1");

        _list.Replace(h2, h4);
        _probe.Listing(_list).Should().Equal("h4", "h3", "h1");

        _list.Replace(h3, h1);
        _probe.Listing(_list).Should().Equal("h1", "h4");
    }

    [Fact]
    public async Task Case48_AddingTheSameTriggerTwice_LeavesOneEntry()
    {
        var h2 = _probe.Make("h2");

        _list.Add(h2);
        _list.Add(h2);

        _probe.Listing(_list).Should().Equal("h2");
        (await _probe.RunAsync(_list, 0)).Should().Equal("h2");
    }

    [Fact]
    public async Task Case49_AddACA_ThenDeleteA_LeavesC()
    {
        // 2.6 kept A, C, A and deleted the newer A. In 3.x the second Add(A) is a no-op, so one delete removes A.
        var a = _probe.Make("A");
        var c = _probe.Make("C");
        _list.Add(a);
        _list.Add(c);
        _list.Add(a);
        _probe.Listing(_list).Should().Equal("C", "A");

        _list.Remove(a);

        _probe.Listing(_list).Should().Equal("C");
        (await _probe.RunAsync(_list, 0)).Should().Equal("C");
    }

    [Fact]
    public void Case50_Delete_ReturnsNothing()
    {
        var remove = typeof(TriggerList<int>).GetMethod(nameof(TriggerList<int>.Remove), BindingFlags.Public | BindingFlags.Instance, [typeof(Func<int, ValueTask>)]);

        remove!.ReturnType.Should().Be(typeof(void), "on_x(nil, h) returns no value");
    }

    [Fact]
    public void Case51_NamedForm_SetsInPlace_DeletesByName_AndIgnoresAbsentNames()
    {
        var h1 = _probe.Make("h1");
        var h2 = _probe.Make("h2");
        var h3 = _probe.Make("h3");

        _list.Add("t1", h1);
        _probe.Listing(_list).Should().Equal("h1");

        _list.Add("t2", h2);
        _probe.Listing(_list).Should().Equal("h2", "h1");

        _list.Add("t1", h3);
        _probe.Listing(_list).Should().Equal("h2", "h3");

        _list.Remove("t1").Should().BeTrue();
        _probe.Listing(_list).Should().Equal("h2");

        _list.Remove("t2").Should().BeTrue();
        _list.Should().BeEmpty();

        _list.Remove("t2").Should().BeFalse("deleting an absent name is a no-op without error");
    }

    [Fact]
    public void Case52_KeyValueForm_SetReturnsTheHandler_DeleteByName_AndArgumentErrors()
    {
        var h1 = _probe.Make("h1");

        // {func = h1, name = 'h1'} returns h1.
        _list.Add("h1", h1).Should().BeSameAs(h1);

        // {name = 'h4'} deletes (absent: nothing happens).
        _list.Remove("h4").Should().BeFalse();

        // {func = 'str', name = 'trg'} / {func = box.NULL} → "func must be a callable object or nil": a null handler.
        FluentActions.Invoking(() => _list.Add("trg", null!)).Should().Throw<ArgumentNullException>();

        // {func = h1} → "name must be a string": a null name.
        FluentActions.Invoking(() => _list.Add(null!, h1)).Should().Throw<ArgumentNullException>();

        // ({func = h1, name = 'trg'}, h1) → "trigger reset: incorrect arguments" has no C# equivalent: the types rule it out.
        _probe.Listing(_list).Should().Equal("h1");
        _list.Select(i => i.Name).Should().Equal("h1");
    }

    [Fact]
    public async Task Case53_AnyCallable_IsAccepted_AndListedWithThatExactHandler()
    {
        // Lua accepts callable tables, userdata and cdata; the C# equivalents are delegates over an instance method of
        // any object, a static method and a closure.
        var callable = new CallableObject();
        Func<int, ValueTask> instance = callable.InvokeAsync;
        Func<int, ValueTask> staticMethod = StaticTrigger;
        var closureRuns = 0;
        Func<int, ValueTask> closure = _ =>
        {
            closureRuns++;
            return default;
        };

        _list.Add(instance);
        _list.Add("static", staticMethod);
        _list.Add(closure);

        _list.Select(i => i.Handler).Should().Equal(closure, staticMethod, instance);
        _list.Last().Handler.Target.Should().BeSameAs(callable);

        await _list.InvokeAsync(7);
        callable.Seen.Should().Equal(7);
        closureRuns.Should().Be(1);
    }

    [Fact]
    public async Task Case72_ATriggerDeletingItselfAndAddingX_XRunsOnTheNextEventOnly()
    {
        var x = _probe.Make("X");
        Func<int, ValueTask>? z = null;
        _list.Add(_probe.Make("Y"));
        _list.Add(_probe.Make("W"));
        z = _probe.Make("Z", _ =>
        {
            _list.Remove(z!);
            _list.Add(x);
        });
        _list.Add(z);

        (await _probe.RunAsync(_list, 0)).Should().Equal("Z", "W", "Y");
        (await _probe.RunAsync(_list, 0)).Should().Equal("X", "W", "Y");
    }

    [Fact]
    public async Task Case73_F1DeletingF2AndItself_OnlyF1Runs()
    {
        Func<int, ValueTask>? f1 = null;
        var f2 = _probe.Make("f2");
        _list.Add("f2", f2);
        f1 = _probe.Make("f1", _ =>
        {
            _list.Remove("f2");
            _list.Remove("f1");
        });
        _list.Add("f1", f1);

        (await _probe.RunAsync(_list, 0)).Should().Equal("f1");
        _list.Should().BeEmpty();
        (await _probe.RunAsync(_list, 0)).Should().BeEmpty();
    }

    private static ValueTask StaticTrigger(int context) => default;

    private sealed class CallableObject
    {
        public List<int> Seen { get; } = [];

        public ValueTask InvokeAsync(int context)
        {
            Seen.Add(context);
            return default;
        }
    }
}
