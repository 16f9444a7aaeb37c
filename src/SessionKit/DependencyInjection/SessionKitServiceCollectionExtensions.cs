using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SessionKit.Internal;

namespace SessionKit;

/// <summary>Registers SessionKit in an <see cref="IServiceCollection"/>.</summary>
public static class SessionKitServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="SessionManager"/> with default options, the embedded
    /// <see cref="InMemoryUserDirectory"/> as <see cref="IUserDirectory"/>, <see cref="TimeProvider.System"/>, validation of
    /// <see cref="SessionManagerOptions"/> at host start, and a hosted service that closes every session when the host
    /// starts stopping.
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
    /// The options follow the options pattern: the manager reads <c>IOptions&lt;SessionManagerOptions&gt;</c>, so every
    /// <c>services.Configure&lt;SessionManagerOptions&gt;(…)</c>, <see cref="AddSessions(IServiceCollection, Action{SessionManagerOptions})"/>
    /// and <see cref="AddSessions(IServiceCollection, IConfiguration)"/> applies, in registration order. The options are
    /// validated with <c>ValidateOnStart</c>: a Generic Host's start fails with an <c>OptionsValidationException</c> whose
    /// message names the option and its rule. Without a host, resolving the manager throws it.
    /// </para>
    /// <para>
    /// The manager is built when it is first resolved, from those options, the <see cref="IUserDirectory"/>, the
    /// <see cref="Microsoft.Extensions.Logging.ILoggerFactory"/> (no logging when none is registered) and the
    /// <see cref="TimeProvider"/> from the container. A <see cref="SessionManagerOptions.BackgroundUser"/> the directory
    /// does not hold throws <see cref="ArgumentException"/> then.
    /// </para>
    /// <para>
    /// Shutdown: a hosted <see cref="Microsoft.Extensions.Hosting.IHostedLifecycleService"/> disposes the manager in its
    /// <c>StoppingAsync</c>, before any hosted service's <c>StopAsync</c> (in ASP.NET Core, before the server waits for
    /// open connections), bounded by the host's shutdown timeout: every session is closed with
    /// <see cref="SessionCloseReason.SystemShutdown"/> through its connection and every <c>on_disconnect</c> trigger runs
    /// while the container still resolves class triggers. It does nothing when no one resolved the manager. The container
    /// owns the manager too: disposing the provider (without a host) shuts it down, and after the host stopped it finds the
    /// manager already disposed.
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
            services.TryAddSingleton<SessionManagerSlot>();
            services.TryAddSingleton(SessionManagerFactory.Create);
            services.AddOptions<SessionManagerOptions>().ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SessionManagerOptions>, SessionManagerOptionsValidator>());
            services.AddSingleton<IHostedService>(static sp => new SessionsLifecycleService(
                sp.GetRequiredService<SessionManagerSlot>(),
                (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<SessionManager>()));
        }

        return new SessionsBuilder(services);
    }

    /// <summary>
    /// Registers SessionKit as <see cref="AddSessions(IServiceCollection)"/> does, and adds <paramref name="configure"/>
    /// to the actions that set up the <see cref="SessionManagerOptions"/> of the manager
    /// (<c>services.Configure&lt;SessionManagerOptions&gt;(configure)</c>).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Changes the options; runs once, when the options are first needed (host start or the manager's first resolve), in registration order with every other options action.</param>
    /// <returns>A builder that registers triggers, users, a user directory and the <c>Su</c> policy.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is null.</exception>
    public static ISessionsBuilder AddSessions(this IServiceCollection services, Action<SessionManagerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var builder = services.AddSessions();

        // Configure adds one action per call (never TryAdd): every action is kept and they run in registration order.
        services.Configure(configure);
        return builder;
    }

    /// <summary>
    /// Registers SessionKit as <see cref="AddSessions(IServiceCollection)"/> does, and sets the
    /// <see cref="SessionManagerOptions"/> from <paramref name="configuration"/>, typically
    /// <c>builder.Configuration.GetSection("Sessions")</c>: each key names an option (case-insensitive).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding the options.</param>
    /// <returns>A builder that registers triggers, users, a user directory and the <c>Su</c> policy.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is null.</exception>
    /// <remarks>
    /// <para>
    /// Values: time spans as <c>[d.]hh:mm:ss[.fffffff]</c> (invariant culture) or <c>Infinite</c>; whole numbers; enum
    /// names (comma-separated for <see cref="UserChangeClosePolicy"/>); text; an empty value clears an optional time span.
    /// Delegate options (<see cref="SessionManagerOptions.IdleTimeout"/>, <see cref="SessionManagerOptions.MaxSessionsPerUser"/>,
    /// <see cref="SessionManagerOptions.SwitchUserPolicy"/>) are set in code.
    /// </para>
    /// <para>
    /// The section is read when the options are built (host start, with <c>ValidateOnStart</c>), as one options action
    /// in registration order. An unknown key, a key for a delegate option, or a value that does not parse fails then
    /// with an <c>OptionsValidationException</c> naming the key (for example <c>Sessions:ShutdownTimeout</c>). The
    /// manager reads its options once: later changes to the configuration do not reach it.
    /// </para>
    /// </remarks>
    public static ISessionsBuilder AddSessions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = services.AddSessions();
        services.Configure<SessionManagerOptions>(options => SessionManagerOptionsBinder.Bind(configuration, options));
        return builder;
    }
}
