using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SessionKit.Internal;

namespace SessionKit;

/// <summary>Registers SessionKit in an <see cref="IServiceCollection"/>.</summary>
public static class SessionKitServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="SessionManager"/> with default options, the embedded
    /// <see cref="InMemoryUserDirectory"/> as <see cref="IUserDirectory"/>, and <see cref="TimeProvider.System"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>A builder that registers triggers, users, a user directory and the <c>Su</c> policy.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    /// <remarks>
    /// <para>
    /// Every service is registered with <c>TryAdd</c>, so services registered earlier win (a <see cref="TimeProvider"/>,
    /// an <see cref="IUserDirectory"/>), and calling this method again registers nothing twice.
    /// </para>
    /// <para>
    /// The manager is built when it is first resolved: from the options configured by every
    /// <see cref="AddSessions(IServiceCollection, Action{SessionManagerOptions})"/> call (in registration order), the
    /// <see cref="IUserDirectory"/>, the <see cref="Microsoft.Extensions.Logging.ILoggerFactory"/> (no logging when none
    /// is registered) and the <see cref="TimeProvider"/> from the container. Invalid options throw
    /// <see cref="ArgumentException"/> then, with a message that names the option and its rule.
    /// </para>
    /// <para>
    /// The container owns the manager: disposing the service provider (host stop) closes every session and runs its
    /// <c>on_disconnect</c> triggers, bounded by <see cref="SessionManagerOptions.ShutdownTimeout"/>. Triggers registered as
    /// classes cannot be resolved once the provider is being disposed; see docs/dependency-injection.md.
    /// </para>
    /// </remarks>
    public static ISessionsBuilder AddSessions(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!services.Any(static d => d.ServiceType == typeof(SessionsMarker)))
        {
            services.TryAddSingleton(new SessionsMarker());
            services.TryAddSingleton(TimeProvider.System);
            services.TryAddSingleton(static sp => sp.GetRequiredService<UserSeeder>().Seed(new InMemoryUserDirectory()));
            services.TryAddSingleton<IUserDirectory>(static sp => sp.GetRequiredService<InMemoryUserDirectory>());
            services.TryAddSingleton(static sp => new UserSeeder(sp.GetServices<SessionUserSeed>()));
            services.TryAddSingleton(SessionManagerFactory.Create);
        }

        return new SessionsBuilder(services);
    }

    /// <summary>
    /// Registers SessionKit as <see cref="AddSessions(IServiceCollection)"/> does, and adds <paramref name="configure"/>
    /// to the actions that set up the <see cref="SessionManagerOptions"/> of the manager.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Changes the options; runs once, when the manager is first resolved, after the actions of earlier calls.</param>
    /// <returns>A builder that registers triggers, users, a user directory and the <c>Su</c> policy.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is null.</exception>
    public static ISessionsBuilder AddSessions(this IServiceCollection services, Action<SessionManagerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var builder = services.AddSessions();

        // Deliberately Add, not TryAdd: every configure action is kept and they run in registration order.
        services.AddSingleton(new SessionOptionsSetup(configure));
        return builder;
    }
}
