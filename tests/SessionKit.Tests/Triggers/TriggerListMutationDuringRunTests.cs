namespace SessionKit.Tests.Triggers;

/// <summary>
/// Changing a list from inside one of its running triggers (spec §3.6, the 3.x rules): a run iterates one snapshot, an
/// added trigger waits for the next run, a trigger removed before its turn does not run, and a named replacement made
/// before the old trigger's turn runs in its place.
/// </summary>
public sealed class TriggerListMutationDuringRunTests
{
    private readonly TriggerProbe<int> _probe = new();
    private readonly TriggerList<int> _list = new();

    [Fact]
    public async Task Added_DuringARun_RunsFromTheNextRun()
    {
        var x = _probe.Make("X");
        _list.Add(_probe.Make("A"));
        _list.Add(_probe.Make("B", _ => _list.Add(x)));

        (await _probe.RunAsync(_list, 0)).Should().Equal("B", "A");
        (await _probe.RunAsync(_list, 0)).Should().Equal("X", "B", "A");
    }

    [Fact]
    public async Task Removed_BeforeItsTurn_DoesNotRun()
    {
        var a = _probe.Make("A");
        _list.Add(a);
        _list.Add(_probe.Make("B"));
        _list.Add(_probe.Make("C", _ => _list.Remove(a)));

        (await _probe.RunAsync(_list, 0)).Should().Equal("C", "B");
        _probe.Listing(_list).Should().Equal("C", "B");
    }

    [Fact]
    public async Task RemovedByName_BeforeItsTurn_DoesNotRun()
    {
        _list.Add("a", _probe.Make("A"));
        _list.Add("b", _probe.Make("B", _ => _list.Remove("a")));

        (await _probe.RunAsync(_list, 0)).Should().Equal("B");
    }

    [Fact]
    public async Task Removed_AfterItRan_DoesNotStopTheRun()
    {
        Func<int, ValueTask>? c = null;
        _list.Add(_probe.Make("A"));
        _list.Add(_probe.Make("B", _ => _list.Remove(c!)));
        c = _probe.Make("C");
        _list.Add(c);

        (await _probe.RunAsync(_list, 0)).Should().Equal("C", "B", "A");
        _probe.Listing(_list).Should().Equal("B", "A");
    }

    [Fact]
    public async Task NamedReplace_BeforeItsTurn_RunsTheNewTrigger()
    {
        var a2 = _probe.Make("A2");
        _list.Add("a", _probe.Make("A"));
        _list.Add("b", _probe.Make("B", _ => _list.Add("a", a2)));

        (await _probe.RunAsync(_list, 0)).Should().Equal("B", "A2");
        _list.Select(i => i.Name).Should().Equal("b", "a");
    }

    [Fact]
    public async Task PositionalReplace_BeforeItsTurn_OldDoesNotRun_NewWaitsForTheNextRun()
    {
        // 3.x: (new, old) deletes old and puts new at the head, which the running iterator has passed (spec §3.6).
        var a = _probe.Make("A");
        var d = _probe.Make("D");
        _list.Add(a);
        _list.Add(_probe.Make("B"));
        _list.Add(_probe.Make("C", _ =>
        {
            if (_list.Any(i => i.Handler == a))
            {
                _list.Replace(a, d);
            }
        }));

        (await _probe.RunAsync(_list, 0)).Should().Equal("C", "B");
        (await _probe.RunAsync(_list, 0)).Should().Equal("D", "C", "B");
    }

    [Fact]
    public async Task DeletingTheNextTriggerAndItself_OnlyItRuns()
    {
        Func<int, ValueTask>? f1 = null;
        var f2 = _probe.Make("f2");
        _list.Add(f2);
        f1 = _probe.Make("f1", _ =>
        {
            _list.Remove(f2);
            _list.Remove(f1!);
        });
        _list.Add(f1);

        (await _probe.RunAsync(_list, 0)).Should().Equal("f1");
        _list.Count.Should().Be(0);
    }

    [Fact]
    public async Task Clear_DuringARun_StopsTheRest()
    {
        _list.Add(_probe.Make("A"));
        _list.Add(_probe.Make("B", _ => _list.Clear()));

        (await _probe.RunAsync(_list, 0)).Should().Equal("B");
    }

    [Fact]
    public async Task Mutation_AfterAnAwait_FollowsTheSameRules()
    {
        var a = _probe.Make("A");
        var x = _probe.Make("X");
        _list.Add(a);
        _list.Add(_probe.Make("B"));
        _list.Add(_probe.MakeAsync("C", _ =>
        {
            if (_list.Any(i => i.Handler == a))
            {
                _list.Remove(a);
                _list.Add(x);
            }
        }));

        (await _probe.RunAsync(_list, 0)).Should().Equal("C", "B");
        (await _probe.RunAsync(_list, 0)).Should().Equal("X", "C", "B");
    }

    [Fact]
    public async Task ConcurrentWriters_AndRuns_NeverBreakTheList()
    {
        // Writers publish new arrays while runs iterate older ones: no run throws, and the final list is exactly the
        // set of triggers that were added and not removed.
        var keep = Enumerable.Range(0, 50).Select(i => _probe.Make($"keep{i}")).ToArray();
        var churn = Enumerable.Range(0, 50).Select(i => _probe.Make($"churn{i}")).ToArray();
        using var start = new ManualResetEventSlim();

        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(() =>
        {
            start.Wait();
            for (var i = w; i < keep.Length; i += 2)
            {
                _list.Add(keep[i]);
                _list.Add(churn[i]);
                _list.Remove(churn[i]);
                _list.Add($"n{i}", churn[i]);
                _list.Remove($"n{i}").Should().BeTrue();
            }
        }));
        var runner = Task.Run(async () =>
        {
            start.Wait();
            for (var i = 0; i < 200; i++)
            {
                await _list.InvokeAsync(i);
            }
        });

        start.Set();
        await Task.WhenAll([.. writers, runner]);

        _list.Select(i => i.Handler).Should().BeEquivalentTo(keep);
        _list.Select(i => i.Name).Should().OnlyContain(n => n == null);
    }
}
