using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SessionKit.Internal;

/// <summary>Builds the <see cref="SessionManager"/> singleton from what the container holds.</summary>
internal static class SessionManagerFactory
{
    public static SessionManager Create(IServiceProvider services)
    {
        var options = new SessionManagerOptions();
        foreach (var setup in services.GetServices<SessionOptionsSetup>())
        {
            setup.Configure(options);
        }

        var users = services.GetRequiredService<IUserDirectory>();
        services.GetRequiredService<UserSeeder>().Seed(users);

        // The constructor validates the options and throws ArgumentException naming the option and its rule.
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

        return manager;
    }
}
