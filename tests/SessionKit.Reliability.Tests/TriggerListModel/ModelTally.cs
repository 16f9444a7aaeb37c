namespace SessionKit.Reliability.Tests.TriggerListModel;

/// <summary>What the reference saw over a whole sample, for the coverage assertions and docs/reliability.md's figures.</summary>
internal sealed class ModelTally
{
    private long _steps;
    private long _runs;
    private long _mutationsDuringRuns;
    private long _errors;

    public long Steps => Interlocked.Read(ref _steps);

    public long Runs => Interlocked.Read(ref _runs);

    public long MutationsDuringRuns => Interlocked.Read(ref _mutationsDuringRuns);

    public long Errors => Interlocked.Read(ref _errors);

    public void Step(Outcome outcome)
    {
        Interlocked.Increment(ref _steps);
        if (outcome.Error is not null)
        {
            Interlocked.Increment(ref _errors);
        }
    }

    public void Run(int mutations)
    {
        Interlocked.Increment(ref _runs);
        Interlocked.Add(ref _mutationsDuringRuns, mutations);
    }
}
