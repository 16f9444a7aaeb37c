using System.Text;
using SessionKit.Reliability.Tests.Support;

namespace SessionKit.Reliability.Tests;

/// <summary>
/// Issue 7, part 3: random sequences of Add / Add(name) / Replace / Remove / Remove(name) / Clear / InvokeAsync on a real
/// <see cref="TriggerList{TContext}"/>, compared step by step with <see cref="ReferenceList"/>, a direct transcription of
/// the semantics table in design.md ("Triggers") and the run rules under it. Triggers may change the list while they run
/// (add, remove, replace, named replace), may throw, and may go asynchronous first.
/// Size: <c>SESSIONKIT_MODEL_SEQUENCES</c> (default 3,000); seed <c>SESSIONKIT_MODEL_SEED</c>.
/// </summary>
public sealed class TriggerListModelTests(ITestOutputHelper output)
{
    private const int DefaultSequences = 3000;
    private const int DefaultSeed = 3;
    private const int Probes = 6;
    private static readonly string[] Names = ["n0", "n1", "n2"];

    [Fact]
    public async Task RandomSequences_MatchTheReferenceModel()
    {
        var sequences = Knobs.Int("SESSIONKIT_MODEL_SEQUENCES", DefaultSequences);
        var seed = Knobs.Int("SESSIONKIT_MODEL_SEED", DefaultSeed);
        long steps = 0, runs = 0, mutationsDuringRuns = 0, exceptionsCompared = 0;
        for (var n = 0; n < sequences; n++)
        {
            var stats = await RunSequenceAsync(seed, n);
            steps += stats.Steps;
            runs += stats.Runs;
            mutationsDuringRuns += stats.MutationsDuringRuns;
            exceptionsCompared += stats.Exceptions;
        }

        runs.Should().BeGreaterThan(0);
        mutationsDuringRuns.Should().BeGreaterThan(0, "the sequences exercise changes made by running triggers");
        Figures.Report(
            output,
            "trigger-list model",
            ("seed", seed),
            ("model sequences", sequences),
            ("steps compared", steps),
            ("runs", runs),
            ("list changes made by running triggers", mutationsDuringRuns),
            ("exceptions compared", exceptionsCompared));
    }

    [Fact]
    public void InvokeAsync_ATriggerThatThrowsSynchronously_FaultsTheReturnedTask()
    {
        // TriggerList.InvokeAsync's docs: "A task that completes when every trigger has run, or faults with the first error."
        var list = new TriggerList<int>();
        var error = new InjectedFault();
        list.Add(_ => throw error);

        ValueTask pending = default;
        var call = () => { pending = list.InvokeAsync(0); };

        call.Should().NotThrow("the error is reported through the returned task, as documented");
        pending.IsFaulted.Should().BeTrue();
    }

    private sealed record Stats(int Steps, int Runs, int MutationsDuringRuns, int Exceptions);

    private static async Task<Stats> RunSequenceAsync(int seed, int sequence)
    {
        var rng = new Random(unchecked((seed * 65537) + sequence));
        var real = new TriggerList<Ctx>();
        var model = new ReferenceList();
        var probes = Enumerable.Range(0, Probes).Select(i => new Probe(i, RandomBehaviour(rng))).ToArray();
        var trace = new StringBuilder();
        foreach (var probe in probes)
        {
            trace.Append("probe ").Append(probe.Id).Append(": ").Append(probe.Behaviour).AppendLine();
        }

        var length = 10 + rng.Next(30);
        int runs = 0, mutations = 0, exceptions = 0;
        for (var step = 0; step < length; step++)
        {
            var roll = rng.Next(100);
            var p = rng.Next(Probes);
            var q = rng.Next(Probes);
            var name = Names[rng.Next(Names.Length)];
            var fresh = rng.Next(3) == 0;
            string description;
            Outcome expected, actual;
            switch (roll)
            {
                case < 25:
                {
                    var instance = probes[p].Delegate(fresh);
                    description = $"Add(p{p}{(fresh ? " fresh" : string.Empty)})";
                    expected = model.Add(p, instance);
                    actual = Observe(() => real.Add(instance));
                    break;
                }

                case < 42:
                {
                    var instance = probes[p].Delegate(fresh);
                    description = $"Add({name}, p{p})";
                    expected = model.Add(name, p, instance);
                    actual = Observe(() => real.Add(name, instance));
                    break;
                }

                case < 52:
                {
                    var old = probes[p].Delegate(fresh);
                    var replacement = probes[q].Delegate(rng.Next(2) == 0);
                    description = $"Replace(p{p}, p{q})";
                    expected = model.Replace(p, q, replacement);
                    actual = Observe(() => real.Replace(old, replacement));
                    break;
                }

                case < 62:
                {
                    var instance = probes[p].Delegate(fresh);
                    description = $"Remove(p{p})";
                    expected = model.Remove(p);
                    actual = Observe(() =>
                    {
                        real.Remove(instance);
                        return null;
                    });
                    break;
                }

                case < 70:
                    description = $"Remove({name})";
                    expected = model.Remove(name);
                    actual = Observe(() => real.Remove(name));
                    break;
                case < 72:
                    description = "Clear()";
                    expected = model.Clear();
                    actual = Observe(() =>
                    {
                        real.Clear();
                        return null;
                    });
                    break;
                default:
                {
                    description = "InvokeAsync";
                    runs++;
                    var ctx = new Ctx(real, probes);
                    var modelRun = model.Invoke(probes);
                    mutations += modelRun.Mutations;
                    Exception? thrown = null;
                    try
                    {
                        await real.InvokeAsync(ctx);
                    }
                    catch (Exception ex)
                    {
                        thrown = ex;
                    }

                    expected = new Outcome(string.Join(",", modelRun.Ran), modelRun.Error);
                    actual = new Outcome(string.Join(",", ctx.Ran), Describe(thrown));
                    break;
                }
            }

            trace.Append(step).Append(": ").Append(description).Append(" -> ").Append(expected).AppendLine();
            if (expected.Error is not null)
            {
                exceptions++;
            }

            var because = $"seed {seed} sequence {sequence} (SESSIONKIT_MODEL_SEED={seed}), step {step} {description}:{Environment.NewLine}{trace}";
            actual.Should().Be(expected, because);
            Listing(real).Should().Equal(model.Listing(), because);
            real.Count.Should().Be(model.Count, because);
        }

        return new Stats(length, runs, mutations, exceptions);
    }

    private static Outcome Observe(Func<object?> call)
    {
        try
        {
            return new Outcome(Describe(call()), null);
        }
        catch (Exception ex)
        {
            return new Outcome(null, Describe(ex));
        }
    }

    private static string? Describe(object? value) => value switch
    {
        null => null,
        Func<Ctx, ValueTask> d => "delegate#" + ((Probe)d.Target!).Id + "@" + Probe.InstanceId(d),
        bool b => b ? "true" : "false",
        _ => value.ToString(),
    };

    private static string? Describe(Exception? ex) => ex switch
    {
        null => null,
        ProbeException p => "probe-exception#" + p.ProbeId,
        TriggerNotFoundException t => "TriggerNotFoundException: " + t.Message,
        _ => ex.GetType().Name + ": " + ex.Message,
    };

    private static IEnumerable<string> Listing(TriggerList<Ctx> list) =>
        list.Select(info => $"{info.Name ?? "-"}:p{((Probe)info.Handler.Target!).Id}@{Probe.InstanceId(info.Handler)}");

    private static Behaviour RandomBehaviour(Random rng)
    {
        var yields = rng.Next(10) < 3;
        var k = rng.Next(Probes);
        var k2 = rng.Next(Probes);
        var name = Names[rng.Next(Names.Length)];
        return rng.Next(20) switch
        {
            < 8 => new Behaviour(Kind.Nothing, yields, k, k2, name),
            < 10 => new Behaviour(Kind.Throw, yields, k, k2, name),
            < 12 => new Behaviour(Kind.Add, yields, k, k2, name),
            < 14 => new Behaviour(Kind.AddNamed, yields, k, k2, name),
            < 16 => new Behaviour(Kind.Remove, yields, k, k2, name),
            < 18 => new Behaviour(Kind.RemoveNamed, yields, k, k2, name),
            _ => new Behaviour(Kind.Replace, yields, k, k2, name),
        };
    }

    private enum Kind
    {
        Nothing,
        Throw,
        Add,
        AddNamed,
        Remove,
        RemoveNamed,
        Replace,
    }

    /// <summary>What a probe does when it runs: its change to the list (targets are probe numbers), and whether it awaits first.</summary>
    private sealed record Behaviour(Kind Kind, bool Yields, int Target, int Target2, string Name)
    {
        public override string ToString() => (Yields ? "yield, then " : string.Empty) + Kind switch
        {
            Kind.Nothing => "nothing",
            Kind.Throw => "throw",
            Kind.Add => $"Add(p{Target})",
            Kind.AddNamed => $"Add({Name}, p{Target})",
            Kind.Remove => $"Remove(p{Target})",
            Kind.RemoveNamed => $"Remove({Name})",
            _ => $"Replace(p{Target}, p{Target2})",
        };
    }

    private sealed record Outcome(string? Value, string? Error)
    {
        public override string ToString() => Error ?? Value ?? "ok";
    }

    private sealed class ProbeException(int probeId) : Exception("probe " + probeId)
    {
        public int ProbeId { get; } = probeId;
    }

    /// <summary>What one run receives: the list (so triggers can change it) and the record of who ran.</summary>
    private sealed class Ctx(TriggerList<Ctx> list, Probe[] probes)
    {
        public TriggerList<Ctx> List { get; } = list;

        public Probe[] Probes { get; } = probes;

        public List<int> Ran { get; } = [];
    }

    /// <summary>
    /// One trigger identity. Its delegates are <c>new Func(probe.Run)</c>: two conversions are different objects but
    /// equal delegates, which is how the list identifies unnamed triggers (Delegate.Equals).
    /// </summary>
    private sealed class Probe(int id, Behaviour behaviour)
    {
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Delegate, object> Ids = new();
        private static int _next;
        private Func<Ctx, ValueTask>? _cached;

        public int Id { get; } = id;

        public Behaviour Behaviour { get; } = behaviour;

        public static int InstanceId(Delegate d) => (int)Ids.GetValue(d, static _ => Interlocked.Increment(ref _next));

        public Func<Ctx, ValueTask> Delegate(bool fresh)
        {
            if (fresh || _cached is null)
            {
                var made = new Func<Ctx, ValueTask>(Run);
                _ = InstanceId(made);
                if (_cached is null)
                {
                    _cached = made;
                }

                return made;
            }

            return _cached;
        }

        public ValueTask Run(Ctx ctx)
        {
            ctx.Ran.Add(Id);
            if (Behaviour.Yields)
            {
                return RunLaterAsync(ctx);
            }

            Act(ctx);
            return ValueTask.CompletedTask;
        }

        private async ValueTask RunLaterAsync(Ctx ctx)
        {
            await Task.Yield();
            Act(ctx);
        }

        private void Act(Ctx ctx)
        {
            var b = Behaviour;
            var list = ctx.List;
            switch (b.Kind)
            {
                case Kind.Throw:
                    throw new ProbeException(Id);
                case Kind.Add:
                    list.Add(ctx.Probes[b.Target].Delegate(false));
                    break;
                case Kind.AddNamed:
                    list.Add(b.Name, ctx.Probes[b.Target].Delegate(false));
                    break;
                case Kind.Remove:
                    list.Remove(ctx.Probes[b.Target].Delegate(false));
                    break;
                case Kind.RemoveNamed:
                    list.Remove(b.Name);
                    break;
                case Kind.Replace:
                    list.Replace(ctx.Probes[b.Target].Delegate(false), ctx.Probes[b.Target2].Delegate(false));
                    break;
            }
        }
    }

    /// <summary>
    /// The reference: design.md's table, written as plainly as possible. Entries are newest first; a run walks a copy of
    /// the entry list taken when it starts, skips entries removed since, and reads each entry's trigger when it gets
    /// there (so a named replacement made before its turn runs instead of the old one).
    /// </summary>
    private sealed class ReferenceList
    {
        private const string NotFound = "TriggerNotFoundException: " + TriggerNotFoundException.DefaultMessage;
        private List<Entry> _entries = [];

        public int Count => _entries.Count;

        public IEnumerable<string> Listing() => _entries.Select(e => $"{e.Name ?? "-"}:p{e.Probe}@{Probe.InstanceId(e.Instance)}");

        // Add(t): puts t first; a t already there (unnamed) changes nothing; returns t.
        public Outcome Add(int probe, Delegate instance)
        {
            if (!_entries.Any(e => e.Name is null && e.Probe == probe))
            {
                _entries.Insert(0, new Entry(null, probe, instance));
            }

            return new Outcome(Describe(instance), null);
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

            return new Outcome(Describe(instance), null);
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

            return new Outcome(Describe(instance), null);
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

        // Running: newest first over a snapshot; added during the run waits for the next run; removed before its turn
        // does not run; the first error stops the run and is the run's error.
        public (List<int> Ran, string? Error, int Mutations) Invoke(Probe[] probes)
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
                var b = probes[probe].Behaviour;
                var outcome = b.Kind switch
                {
                    Kind.Throw => new Outcome(null, "probe-exception#" + probe),
                    Kind.Add => Add(b.Target, probes[b.Target].Delegate(false)),
                    Kind.AddNamed => Add(b.Name, b.Target, probes[b.Target].Delegate(false)),
                    Kind.Remove => Remove(b.Target),
                    Kind.RemoveNamed => Remove(b.Name),
                    Kind.Replace => Replace(b.Target, b.Target2, probes[b.Target2].Delegate(false)),
                    _ => new Outcome(null, null),
                };
                if (b.Kind is not (Kind.Nothing or Kind.Throw))
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
}
