using Microsoft.Extensions.DependencyInjection;

namespace SessionKit.Tests.DependencyInjection;

/// <summary>
/// One trigger list seen through the builder: how to register a named delegate and a class trigger on it, how to read
/// the list back from the manager, and the real event that makes it run.
/// </summary>
public sealed class TriggerListScenario
{
    private TriggerListScenario(
        Action<ISessionsBuilder, TriggerRunProbe> register,
        Func<SessionManager, IEnumerable<string?>> names,
        Func<object, string> describe,
        string className,
        Func<SessionManager, Task<string>> drive,
        Action<SessionManagerOptions> configure)
    {
        Register = register;
        Names = names;
        Describe = describe;
        ClassName = className;
        Drive = drive;
        Configure = configure;
    }

    /// <summary>Registers the four forms in this order: a delegate, a delegate named "named delegate", the class, the class named "named class".</summary>
    public Action<ISessionsBuilder, TriggerRunProbe> Register { get; }

    /// <summary>Gets the names in the list the builder methods are meant to reach.</summary>
    public Func<SessionManager, IEnumerable<string?>> Names { get; }

    /// <summary>Describes a run's context, so the test sees that the trigger got the event it was driven with.</summary>
    public Func<object, string> Describe { get; }

    /// <summary>Gets the name the class trigger is registered under.</summary>
    public string ClassName { get; }

    /// <summary>Causes the event; returns what <see cref="Describe"/> must say about it.</summary>
    public Func<SessionManager, Task<string>> Drive { get; }

    public Action<SessionManagerOptions> Configure { get; }

    public static TriggerListScenario For<TContext>(
        Func<ISessionsBuilder, Func<TContext, ValueTask>, Func<TContext, ValueTask>, ISessionsBuilder> register,
        Func<SessionManager, TriggerList<TContext>> list,
        Func<TContext, string> describe,
        Func<SessionManager, Task<string>> drive,
        Action<SessionManagerOptions>? configure = null) =>
        new(
            (builder, probe) => register(builder, Recorder<TContext>(probe, "delegate"), Recorder<TContext>(probe, "named delegate")),
            manager => list(manager).Select(t => t.Name),
            context => describe((TContext)context),
            RecordingListTrigger<TContext>.RegisteredName,
            drive,
            configure ?? (static _ => { }));

    private static Func<TContext, ValueTask> Recorder<TContext>(TriggerRunProbe probe, string who) => context =>
    {
        probe.Record(who, context!);
        return default;
    };

    /// <summary>Builds a provider with the scenario's triggers, alice in the embedded directory, and scope validation on.</summary>
    public ServiceProvider BuildProvider(TriggerRunProbe probe)
    {
        var services = new ServiceCollection();
        services.AddSingleton(probe);
        services.AddScoped<ScopedTriggerDependency>();
        var builder = services.AddSessions(Configure).AddUser("alice", "pw");
        Register(builder, probe);

        // ValidateScopes: a class trigger resolved from the root provider would fail to get its scoped dependency.
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }
}
