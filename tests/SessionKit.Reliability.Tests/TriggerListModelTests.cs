using CsCheck;
using SessionKit.Reliability.Tests.Support;
using SessionKit.Reliability.Tests.TriggerListModel;

namespace SessionKit.Reliability.Tests;

/// <summary>
/// Issue 7, part 3: random sequences of Add / Add(name) / Replace / Remove / Remove(name) / Clear / InvokeAsync on a real
/// <see cref="TriggerList{TContext}"/>, compared step by step with <see cref="ReferenceList"/>, a direct transcription of
/// the semantics table in design.md ("Triggers") and the run rules under it. Triggers may change the list while they run
/// (add, remove, replace, named replace), may throw, and may go asynchronous first. CsCheck generates the probes and the
/// steps and, when the two differ, shrinks to the shortest sequence of the simplest steps and probes that still differs,
/// printing a seed. Size: <c>SESSIONKIT_MODEL_SEQUENCES</c> (default 3,000 samples); replay a failure with CsCheck's
/// <c>CsCheck_Seed</c> environment variable set to the printed seed.
/// </summary>
public sealed class TriggerListModelTests(ITestOutputHelper output)
{
    private const int DefaultSequences = 3000;
    private const int Probes = 6;
    private static readonly string[] Names = ["n0", "n1", "n2"];

    /// <summary>A probe's behaviour; the first alternative of every choice is the simplest, which is where shrinking goes.</summary>
    private static readonly Gen<Behaviour> BehaviourGen =
        Gen.Select(Gen.Int[0, 19], Gen.Int[0, 9], Gen.Int[0, Probes - 1], Gen.Int[0, Probes - 1], Gen.Int[0, Names.Length - 1])
            .Select(t => new Behaviour(
                t.Item1 switch
                {
                    < 8 => ProbeKind.Nothing,
                    < 10 => ProbeKind.Throw,
                    < 12 => ProbeKind.Add,
                    < 14 => ProbeKind.AddNamed,
                    < 16 => ProbeKind.Remove,
                    < 18 => ProbeKind.RemoveNamed,
                    _ => ProbeKind.Replace,
                },
                Yields: t.Item2 >= 7,
                t.Item3,
                t.Item4,
                Names[t.Item5]));

    /// <summary>A step, weighted as the hand generator was: mostly adds and runs, sometimes a clear.</summary>
    private static readonly Gen<Step> StepGen =
        Gen.Select(Gen.Int[0, 99], Gen.Int[0, Probes - 1], Gen.Int[0, Probes - 1], Gen.Int[0, Names.Length - 1], Gen.Int[0, 2], Gen.Int[0, 1])
            .Select(t => new Step(
                t.Item1 switch
                {
                    < 28 => StepKind.Invoke,
                    < 53 => StepKind.Add,
                    < 70 => StepKind.AddNamed,
                    < 80 => StepKind.Replace,
                    < 90 => StepKind.Remove,
                    < 98 => StepKind.RemoveNamed,
                    _ => StepKind.Clear,
                },
                t.Item2,
                t.Item3,
                Names[t.Item4],
                Fresh: t.Item5 == 2,
                FreshReplacement: t.Item6 == 1));

    [Fact]
    public async Task RandomSequences_MatchTheReferenceModel()
    {
        var sequences = Knobs.Int("SESSIONKIT_MODEL_SEQUENCES", DefaultSequences);
        var tally = new ModelTally();
        var initial = BehaviourGen.Array[Probes].Select(behaviours =>
        {
            var probes = new ProbeSet([.. behaviours.Select((b, i) => new Probe(i, b))]);
            return (new RealList(probes), new ReferenceList(probes, tally));
        });

        // Off the test's synchronization context: a run's InvokeAsync step waits for probes that resume on the pool.
        await Task.Run(() => initial.SampleModelBased(
            StepGen.Operation<RealList, ReferenceList>(step => step.ToString(), (real, step) => real.Apply(step), (model, step) => model.Apply(step)),
            equal: (real, model) => real.Last == model.Last && real.List.Count == model.Count && real.Listing().SequenceEqual(model.Listing()),
            iter: sequences,
            printActual: real => real.ToString(),
            printModel: model => model.ToString()));

        tally.Runs.Should().BeGreaterThan(0);
        tally.MutationsDuringRuns.Should().BeGreaterThan(0, "the sequences exercise changes made by running triggers");
        tally.Errors.Should().BeGreaterThan(0, "the sequences exercise steps that throw");
        Figures.Report(
            output,
            "trigger-list model",
            ("model sequences", sequences),
            ("steps compared", tally.Steps),
            ("runs", tally.Runs),
            ("list changes made by running triggers", tally.MutationsDuringRuns),
            ("exceptions compared", tally.Errors));
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
}
