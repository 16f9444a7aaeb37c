using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace SessionKit.Internal;

/// <summary>Builds the <see cref="SessionManager"/> singleton from what the container holds.</summary>
internal static class SessionManagerFactory
{
    public static SessionManager Create(IServiceProvider services)
    {
        // Every Configure<SessionManagerOptions> action (AddSessions(configure), AddSessions(configuration), ConfigureSu
        // and the host's own), in registration order, then SessionManagerOptionsValidator: a bad option throws
        // OptionsValidationException naming it. ValidateOnStart makes a host do this at start rather than here.
        var options = services.GetRequiredService<IOptions<SessionManagerOptions>>().Value;

        var users = services.GetRequiredService<IUserDirectory>();
        services.GetRequiredService<UserSeeder>().Seed(users);

        // The constructor validates the options again and checks what needs the directory (BackgroundUser exists),
        // throwing ArgumentException naming the option and its rule.
        var manager = new SessionManager(
            options,
            users,
            services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance,
            services.GetService<TimeProvider>() ?? TimeProvider.System, services.GetService<System.Diagnostics.Metrics.IMeterFactory>());
        try
        {
            foreach (var setup in services.GetServices<SessionManagerSetup>())
            {
                setup.Configure(manager, services);
            }
        }
        catch
        {
            // The container never saw this instance, so nobody else would dispose it.
            manager.Dispose();
            throw;
        }

        // Only now does the host's lifecycle service have a manager to shut down at StoppingAsync.
        services.GetRequiredService<SessionManagerSlot>().Set(manager);
        return manager;
    }
}
