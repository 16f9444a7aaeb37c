namespace SessionKit.Tests.DependencyInjection;

/// <summary>A class trigger for any list: records its run, with the scoped dependency it was activated with.</summary>
/// <typeparam name="TContext">The context type of the list.</typeparam>
public sealed class RecordingListTrigger<TContext>(TriggerRunProbe probe, ScopedTriggerDependency dependency) : ISessionTrigger<TContext>
{
    /// <summary>The name the builder gives this class: namespace-qualified, generic arguments by short name.</summary>
    public static string RegisteredName => $"{typeof(RecordingListTrigger<>).Namespace}.RecordingListTrigger<{typeof(TContext).Name}>";

    public ValueTask InvokeAsync(TContext context)
    {
        probe.Record("class", context!, dependency);
        return default;
    }
}
