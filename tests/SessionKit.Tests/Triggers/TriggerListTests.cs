namespace SessionKit.Tests.Triggers;

/// <summary>The semantics table of design.md ("Triggers"), row by row, on a bare <see cref="TriggerList{TContext}"/>.</summary>
public sealed class TriggerListTests
{
    private readonly TriggerProbe<int> _probe = new();
    private readonly TriggerList<int> _list = new();

    [Fact]
    public void NewList_IsEmpty()
    {
        _list.Count.Should().Be(0);
        _list.Should().BeEmpty();
    }

    [Fact]
    public void Add_PutsTheTriggerFirst_AndReturnsIt()
    {
        var a = _probe.Make("A");
        var b = _probe.Make("B");

        _list.Add(a).Should().BeSameAs(a);
        _list.Add(b).Should().BeSameAs(b);

        _probe.Listing(_list).Should().Equal("B", "A");
        _list.Count.Should().Be(2);
    }

    [Fact]
    public async Task Add_SameDelegateTwice_ChangesNothing()
    {
        var a = _probe.Make("A");
        var c = _probe.Make("C");
        _list.Add(a);
        _list.Add(c);

        _list.Add(a).Should().BeSameAs(a);

        _probe.Listing(_list).Should().Equal("C", "A");
        _list.Count.Should().Be(2);
        (await _probe.RunAsync(_list, 0)).Should().Equal("C", "A");
    }

    [Fact]
    public void Add_EqualDelegateFromTheSameMethodGroup_IsTheSameTrigger()
    {
        var target = new Counter();

        _list.Add(target.OnEventAsync);
        _list.Add(target.OnEventAsync);

        _list.Count.Should().Be(1, "two conversions of one method group on one target are equal delegates");
    }

    [Fact]
    public async Task AddNamed_NewName_GoesFirst_ExistingName_IsReplacedInPlace()
    {
        var a = _probe.Make("A");
        var b = _probe.Make("B");
        var c = _probe.Make("C");
        var b2 = _probe.Make("B2");
        _list.Add("a", a);
        _list.Add("b", b);
        _list.Add("c", c);

        _list.Add("b", b2).Should().BeSameAs(b2);

        _probe.Listing(_list).Should().Equal("C", "B2", "A");
        _list.Select(i => i.Name).Should().Equal("c", "b", "a");
        (await _probe.RunAsync(_list, 0)).Should().Equal("C", "B2", "A");
    }

    [Fact]
    public void SameDelegate_MayBeRegisteredUnnamedAndUnderSeveralNames()
    {
        var a = _probe.Make("A");

        _list.Add(a);
        _list.Add("one", a);
        _list.Add("two", a);

        _list.Select(i => i.Name).Should().Equal("two", "one", null);
        _list.Remove(a);
        _list.Select(i => i.Name).Should().Equal("two", "one");
    }

    [Fact]
    public async Task Replace_OldLeaves_NewGoesFirst()
    {
        var a = _probe.Make("A");
        var b = _probe.Make("B");
        var c = _probe.Make("C");
        var d = _probe.Make("D");
        _list.Add(a);
        _list.Add(b);
        _list.Add(c);

        _list.Replace(b, d).Should().BeSameAs(d);

        _probe.Listing(_list).Should().Equal("D", "C", "A");
        (await _probe.RunAsync(_list, 0)).Should().Equal("D", "C", "A");
    }

    [Fact]
    public void Replace_TriggerWithItself_KeepsItsPlace()
    {
        var a = _probe.Make("A");
        var b = _probe.Make("B");
        var c = _probe.Make("C");
        _list.Add(a);
        _list.Add(b);
        _list.Add(c);

        _list.Replace(b, b).Should().BeSameAs(b);

        _probe.Listing(_list).Should().Equal("C", "B", "A");
    }

    [Fact]
    public void Replace_WithATriggerAlreadyPresent_LeavesOneEntryAtTheFront()
    {
        var a = _probe.Make("A");
        var b = _probe.Make("B");
        var c = _probe.Make("C");
        _list.Add(a);
        _list.Add(b);
        _list.Add(c);

        _list.Replace(a, b);

        _probe.Listing(_list).Should().Equal("B", "C");
    }

    [Fact]
    public void Replace_MissingOld_ThrowsTriggerNotFound_AndLeavesTheListUnchanged()
    {
        var a = _probe.Make("A");
        _list.Add(a);

        var act = () => _list.Replace(_probe.Make("missing"), _probe.Make("D"));

        act.Should().Throw<TriggerNotFoundException>().WithMessage("trigger reset: Trigger is not found");
        _probe.Listing(_list).Should().Equal("A");
    }

    [Fact]
    public void Replace_OldRegisteredOnlyUnderAName_IsNotFound()
    {
        var a = _probe.Make("A");
        _list.Add("named", a);

        var act = () => _list.Replace(a, _probe.Make("D"));

        act.Should().Throw<TriggerNotFoundException>();
        _list.Select(i => i.Name).Should().Equal("named");
    }

    [Fact]
    public void Remove_RemovesTheTrigger()
    {
        var a = _probe.Make("A");
        var b = _probe.Make("B");
        _list.Add(a);
        _list.Add(b);

        _list.Remove(a);

        _probe.Listing(_list).Should().Equal("B");
        _list.Count.Should().Be(1);
    }

    [Fact]
    public void Remove_MissingTrigger_ThrowsTriggerNotFound()
    {
        _list.Add(_probe.Make("A"));

        var act = () => _list.Remove(_probe.Make("missing"));

        act.Should().Throw<TriggerNotFoundException>().WithMessage(TriggerNotFoundException.DefaultMessage);
        _list.Count.Should().Be(1);
    }

    [Fact]
    public void RemoveByName_RemovesAndReturnsTrue_ThenFalseWhenAbsent()
    {
        _list.Add("audit", _probe.Make("A"));
        _list.Add("other", _probe.Make("B"));

        _list.Remove("audit").Should().BeTrue();
        _list.Remove("audit").Should().BeFalse();
        _list.Remove("never-added").Should().BeFalse();

        _list.Select(i => i.Name).Should().Equal("other");
    }

    [Fact]
    public void RemoveByName_DoesNotTouchAnUnnamedTriggerOrAnotherName()
    {
        var a = _probe.Make("A");
        _list.Add(a);
        _list.Add("x", a);

        _list.Remove("y").Should().BeFalse();

        _list.Count.Should().Be(2);
    }

    [Fact]
    public void NullArguments_ThrowArgumentNull_AndLeaveTheListUnchanged()
    {
        var a = _probe.Make("A");
        _list.Add(a);
        _list.Add("n", _probe.Make("N"));
        var before = _probe.Listing(_list);

        FluentActions.Invoking(() => _list.Add(null!)).Should().Throw<ArgumentNullException>().WithParameterName("trigger");
        FluentActions.Invoking(() => _list.Add("m", null!)).Should().Throw<ArgumentNullException>().WithParameterName("trigger");
        FluentActions.Invoking(() => _list.Add(null!, a)).Should().Throw<ArgumentNullException>().WithParameterName("name");
        FluentActions.Invoking(() => _list.Replace(null!, a)).Should().Throw<ArgumentNullException>().WithParameterName("oldTrigger");
        FluentActions.Invoking(() => _list.Replace(a, null!)).Should().Throw<ArgumentNullException>().WithParameterName("newTrigger");
        FluentActions.Invoking(() => _list.Remove((Func<int, ValueTask>)null!)).Should().Throw<ArgumentNullException>().WithParameterName("trigger");
        FluentActions.Invoking(() => _list.Remove((string)null!)).Should().Throw<ArgumentNullException>().WithParameterName("name");

        _probe.Listing(_list).Should().Equal(before);
        _list.Select(i => i.Name).Should().Equal("n", null);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("bad\nname")]
    public void InvalidNames_ThrowArgumentException_AndLeaveTheListUnchanged(string name)
    {
        _list.Add(_probe.Make("A"));

        FluentActions.Invoking(() => _list.Add(name, _probe.Make("B"))).Should().Throw<ArgumentException>().WithParameterName("name");
        FluentActions.Invoking(() => _list.Remove(name)).Should().Throw<ArgumentException>().WithParameterName("name");

        _probe.Listing(_list).Should().Equal("A");
    }

    [Fact]
    public void Enumeration_IsRunOrder_NewestFirst_WithNames()
    {
        var a = _probe.Make("A");
        var b = _probe.Make("B");
        var c = _probe.Make("C");
        _list.Add(a);
        _list.Add("bee", b);
        _list.Add(c);

        var infos = _list.ToArray();

        infos.Select(i => i.Handler).Should().Equal(c, b, a);
        infos.Select(i => i.Name).Should().Equal(null, "bee", null);
        infos[1].ToString().Should().Be("bee");
        _list.Count.Should().Be(3);
    }

    [Fact]
    public void Enumeration_IsASnapshot()
    {
        var a = _probe.Make("A");
        _list.Add(a);

        var iterations = 0;
        foreach (var info in _list)
        {
            iterations++;
            _list.Add(_probe.Make("more"));
        }

        iterations.Should().Be(1, "a change made while enumerating does not extend the enumeration");
        _list.Count.Should().Be(2);
    }

    [Fact]
    public async Task Run_IsNewestFirst_OverOneToFourTriggers()
    {
        string[] labels = ["A", "B", "C", "D"];
        for (var n = 1; n <= labels.Length; n++)
        {
            var list = new TriggerList<int>();
            foreach (var label in labels.Take(n))
            {
                list.Add(_probe.Make(label));
            }

            (await _probe.RunAsync(list, 0)).Should().Equal(labels.Take(n).Reverse());
        }
    }

    [Fact]
    public async Task InvokeAsync_PassesTheContextToEveryTrigger()
    {
        var seen = new List<int>();
        _list.Add(_probe.Make("A", seen.Add));
        _list.Add(_probe.Make("B", seen.Add));

        await _list.InvokeAsync(42);

        seen.Should().Equal(42, 42);
    }

    [Fact]
    public async Task InvokeAsync_StopsAtTheFirstError_AndThrowsIt()
    {
        var boom = new InvalidOperationException("boom");
        _list.Add(_probe.Make("A"));
        _list.Add(_probe.Failing("B", boom));
        _list.Add(_probe.Make("C"));
        _probe.Reset();

        var act = async () => await _list.InvokeAsync(0);

        (await act.Should().ThrowAsync<InvalidOperationException>()).Which.Should().BeSameAs(boom);
        _probe.Ran.Should().Equal("C", "B");
    }

    [Fact]
    public void Clear_RemovesEverything()
    {
        _list.Add(_probe.Make("A"));
        _list.Add("n", _probe.Make("B"));

        _list.Clear();

        _list.Count.Should().Be(0);
    }

    private sealed class Counter
    {
        public int Calls { get; private set; }

        public ValueTask OnEventAsync(int context)
        {
            Calls++;
            return default;
        }
    }
}
