using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace SessionKit.Redis;

/// <summary>Registers the Redis session directory with <c>AddSessions()</c>.</summary>
public static class RedisSessionsBuilderExtensions
{
    /// <summary>
    /// Makes the manager's per-user decisions cluster-wide on Redis: registers a singleton
    /// <see cref="RedisSessionDirectory"/> (resolve it for the cluster queries and commands), sets it as
    /// <see cref="SessionManagerOptions.SessionDirectory"/>, and registers a <see cref="RedisDirectoryHealthCheck"/> type
    /// a host can add to its health checks.
    /// </summary>
    /// <param name="builder">The builder from <c>AddSessions()</c>.</param>
    /// <param name="configure">Sets the <see cref="RedisDirectoryOptions"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static ISessionsBuilder AddRedisDirectory(this ISessionsBuilder builder, Action<RedisDirectoryOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new RedisDirectoryOptions();
        configure(options);
        options.Validate();
        builder.Services.TryAddSingleton(sp => new RedisSessionDirectory(options, sp.GetService<ILoggerFactory>()));
        builder.Services.TryAddSingleton<RedisDirectoryHealthCheck>();
        builder.Services.AddOptions<SessionManagerOptions>().Configure<RedisSessionDirectory>(static (o, directory) => o.SessionDirectory = directory);
        return builder;
    }
}
