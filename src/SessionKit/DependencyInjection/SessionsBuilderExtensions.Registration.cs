using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SessionKit.Internal;

namespace SessionKit;

// The one registration path every trigger method of every list goes through: the public methods differ only in the
// list they select, its context type and its name, so a new list costs four one-line methods and nothing else.
public static partial class SessionsBuilderExtensions
{
    private static string ValidName(string name)
    {
        Names.Validate(name, nameof(name), "trigger name");
        return name;
    }

    private static ISessionsBuilder AddDelegate<TContext>(ISessionsBuilder builder, string? name, Func<TContext, ValueTask> trigger, Func<SessionManager, TriggerList<TContext>> list)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(trigger);

        // Deliberately Add, not TryAdd: each registration is one setup step, applied in registration order.
        builder.Services.AddSingleton(new SessionManagerSetup((manager, _) =>
        {
            if (name is null)
            {
                list(manager).Add(trigger);
            }
            else
            {
                list(manager).Add(name, trigger);
            }
        }));
        return builder;
    }

    private static ISessionsBuilder AddClass<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TTrigger, TContext>(
        ISessionsBuilder builder,
        string? name,
        string listName,
        Func<SessionManager, TriggerList<TContext>> list)
        where TTrigger : class, ISessionTrigger<TContext>
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddTransient<TTrigger>();
        var triggerName = name ?? TriggerTypeName.Of(typeof(TTrigger));
        builder.Services.AddSingleton(new SessionManagerSetup((manager, services) =>
        {
            var scopes = services.GetRequiredService<IServiceScopeFactory>();
            list(manager).Add(triggerName, ScopedTrigger.Create<TTrigger, TContext>(scopes, listName, triggerName));
        }));
        return builder;
    }
}
