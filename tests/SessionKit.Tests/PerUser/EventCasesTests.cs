using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.PerUser;

/// <summary>
/// xmpp-sessions.md §3 cases 45 and 49 (Prosody's <c>util/events</c>) on a SessionKit trigger list. The other
/// util/events cases (44, 46–48) do not apply: docs/seed-cases.md says why.
/// </summary>
public sealed class EventCasesTests
{
    private readonly TriggerList<int> _list = new();
    private readonly List<string> _ran = [];

    [Fact] // case 45
    public async Task Case45_FireRemoveFire_TheHandlerRunsOnce_AndSeveralHandlersAddAndRemoveTogether()
    {
        var h = Make("h");
        _list.Add(h);

        await _list.InvokeAsync(1);
        _list.Remove(h);
        await _list.InvokeAsync(2);

        _ran.Should().Equal("h");

        // Prosody's bulk add/remove of an event → handler map: SessionKit has one list per event; several handlers
        // are added and removed as a group by name.
        var group = new[] { "g1", "g2", "g3" };
        foreach (var name in group)
        {
            _list.Add(name, Make(name));
        }

        await _list.InvokeAsync(3);
        group.Select(_list.Remove).Should().OnlyContain(removed => removed);
        await _list.InvokeAsync(4);

        _ran.Should().Equal("h", "g3", "g2", "g1");
        _list.Should().BeEmpty();
    }

    [Fact] // case 49
    public async Task Case49_AHandlerAddingOneDuringDispatch_TheNewOneRunsFromTheNextDispatch_ARemovedLaterOneNoLongerRuns()
    {
        // Difference for removal: Prosody's current dispatch still calls a later handler removed by an earlier one;
        // SessionKit follows Tarantool 3.x, where a trigger removed before its turn does not run (spec §3.6).
        var later = Make("later");
        var added = Make("added");
        _list.Add(later);
        _list.Add(Make("first", () =>
        {
            if (_list.Any(i => i.Handler == later))
            {
                _list.Remove(later);
                _list.Add(added);
            }
        }));

        await _list.InvokeAsync(1);
        _ran.Should().Equal("first");

        await _list.InvokeAsync(2);
        _ran.Should().Equal("first", "added", "first");
    }

    private Func<int, ValueTask> Make(string label, Action? body = null) => _ =>
    {
        _ran.Add(label);
        body?.Invoke();
        return default;
    };
}
