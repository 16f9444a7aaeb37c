namespace SessionKit.Reliability.Tests.TriggerListModel;

/// <summary>
/// The reference: design.md's table, written as plainly as possible. Entries are newest first; a run walks a copy of
/// the entry list taken when it starts, skips entries removed since, and reads each entry's trigger when it gets
/// there (so a named replacement made before its turn runs instead of the old one).
/// </summary>
internal sealed class ReferenceList(ProbeSet probes, ModelTally tally)
{
    private const string NotFound = "TriggerNotFoundException: " + TriggerNotFoundException.DefaultMessage;
    private List<Entry> _entries = [];

    public int Count => _entries.Count;

    public Outcome Last { get; private set; } = Outcome.None;

    public void Apply(Step step)
    {
        Last = step.Kind switch
        {
            StepKind.Invoke => Run(),
            StepKind.Add => Add(step.P, probes.Instance(step)),
            StepKind.AddNamed => Add(step.Name, step.P, probes.Instance(step)),
            StepKind.Replace => Replace(step.P, step.Q, probes.Replacement(step)),
            StepKind.Remove => Remove(step.P),
            StepKind.RemoveNamed => Remove(step.Name),
            _ => Clear(),
        };
        tally.Step(Last);
    }

    public override string ToString() => $"[{string.Join(", ", Listing())}] last: {Last}; probes {probes}";

    public IEnumerable<string> Listing() => _entries.Select(e => $"{e.Name ?? "-"}:p{e.Probe}@{Probe.InstanceId(e.Instance)}");

    // Add(t): puts t first; a t already there (unnamed) changes nothing; returns t.
    public Outcome Add(int probe, Delegate instance)
    {
        if (!_entries.Any(e => e.Name is null && e.Probe == probe))
        {
            _entries.Insert(0, new Entry(null, probe, instance));
        }

        return new Outcome(Outcome.Describe(instance), null);
    }

    // Add(name, t): a new name goes first; an existing name is replaced in place.
    public Outcome Add(string name, int probe, Delegate instance)
    {
        if (_entries.FirstOrDefault(e => e.Name == name) is { } existing)
        {
            existing.Probe = probe;
            existing.Instance = instance;
        }
        else
        {
            _entries.Insert(0, new Entry(name, probe, instance));
        }

        return new Outcome(Outcome.Describe(instance), null);
    }

    // Replace(old, t): old leaves and t goes first (no duplicate of t stays); Replace(t, t) keeps the place;
    // a missing old throws TriggerNotFoundException and changes nothing.
    public Outcome Replace(int old, int probe, Delegate instance)
    {
        if (!_entries.Any(e => e.Name is null && e.Probe == old))
        {
            return new Outcome(null, NotFound);
        }

        if (old != probe)
        {
            foreach (var e in _entries.Where(e => e.Name is null && (e.Probe == old || e.Probe == probe)))
            {
                e.Removed = true;
            }

            _entries = [new Entry(null, probe, instance), .. _entries.Where(e => !e.Removed)];
        }

        return new Outcome(Outcome.Describe(instance), null);
    }

    // Remove(t): removes; missing throws TriggerNotFoundException.
    public Outcome Remove(int probe)
    {
        var entry = _entries.FirstOrDefault(e => e.Name is null && e.Probe == probe);
        if (entry is null)
        {
            return new Outcome(null, NotFound);
        }

        entry.Removed = true;
        _entries.Remove(entry);
        return new Outcome(null, null);
    }

    // Remove(name): removes; false when absent.
    public Outcome Remove(string name)
    {
        var entry = _entries.FirstOrDefault(e => e.Name == name);
        if (entry is null)
        {
            return new Outcome("false", null);
        }

        entry.Removed = true;
        _entries.Remove(entry);
        return new Outcome("true", null);
    }

    public Outcome Clear()
    {
        foreach (var e in _entries)
        {
            e.Removed = true;
        }

        _entries = [];
        return new Outcome(null, null);
    }

    private Outcome Run()
    {
        var (ran, error, mutations) = Invoke();
        tally.Run(mutations);
        return new Outcome(string.Join(",", ran), error);
    }

    // Running: newest first over a snapshot; added during the run waits for the next run; removed before its turn
    // does not run; the first error stops the run and is the run's error.
    private (List<int> Ran, string? Error, int Mutations) Invoke()
    {
        var snapshot = _entries.ToList();
        var ran = new List<int>();
        var mutations = 0;
        foreach (var entry in snapshot)
        {
            if (entry.Removed)
            {
                continue;
            }

            var probe = entry.Probe;
            ran.Add(probe);
            var b = probes.Probes[probe].Behaviour;
            var outcome = b.Kind switch
            {
                ProbeKind.Throw => new Outcome(null, "probe-exception#" + probe),
                ProbeKind.Add => Add(b.Target, probes.Probes[b.Target].Delegate(false)),
                ProbeKind.AddNamed => Add(b.Name, b.Target, probes.Probes[b.Target].Delegate(false)),
                ProbeKind.Remove => Remove(b.Target),
                ProbeKind.RemoveNamed => Remove(b.Name),
                ProbeKind.Replace => Replace(b.Target, b.Target2, probes.Probes[b.Target2].Delegate(false)),
                _ => new Outcome(null, null),
            };
            if (b.Kind is not (ProbeKind.Nothing or ProbeKind.Throw))
            {
                mutations++;
            }

            if (outcome.Error is not null)
            {
                return (ran, outcome.Error, mutations);
            }
        }

        return (ran, null, mutations);
    }

    private sealed class Entry(string? name, int probe, Delegate instance)
    {
        public string? Name { get; } = name;

        public int Probe { get; set; } = probe;

        public Delegate Instance { get; set; } = instance;

        public bool Removed { get; set; }
    }
}
