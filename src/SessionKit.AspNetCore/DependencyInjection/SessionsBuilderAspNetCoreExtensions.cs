using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SessionKit.AspNetCore.Internal;

namespace SessionKit.AspNetCore;

/// <summary>Registers SessionKit's ASP.NET Core integration on an <see cref="ISessionsBuilder"/>.</summary>
public static class SessionsBuilderAspNetCoreExtensions
{
    /// <summary>
    /// Registers what WebSocket endpoints (<see cref="SessionWebSocketEndpointExtensions.MapSessionWebSocket"/>) and
    /// SignalR hubs need: the mapping of the signed-in <see cref="System.Security.Claims.ClaimsPrincipal"/> to the
    /// session user, a global hub filter that gives every hub connection a session (type <c>signalr</c>) and runs every
    /// hub method inside it, and an <see cref="IUserIdProvider"/> that names SignalR users as their sessions are named,
    /// so <c>Clients.User(name)</c> reaches exactly the SignalR sessions of that session user.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddSessions()</c>.</param>
    /// <param name="configure">Changes the options; <see langword="null"/> keeps the defaults.</param>
    /// <returns>The same builder, to chain further registrations.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <remarks>
    /// Safe to call more than once: the services are registered once, and each <paramref name="configure"/> is added to
    /// the options actions. The options are validated at host start (a non-positive or over-long <see cref="SessionKitAspNetCoreOptions.CloseTimeout"/>
    /// or an empty <see cref="SessionKitAspNetCoreOptions.HubClientMethod"/> fails it with an <c>OptionsValidationException</c>). The <see cref="IUserIdProvider"/> replaces SignalR's default whether <c>AddSignalR()</c> is
    /// called before or after. The hub filter does nothing until <c>AddSignalR()</c> maps a hub.
    /// </remarks>
    public static ISessionsBuilder AddAspNetCore(this ISessionsBuilder builder, Action<SessionKitAspNetCoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (!services.Any(static d => d.ServiceType == typeof(HttpSessions)))
        {
            services.AddOptions<SessionKitAspNetCoreOptions>().ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SessionKitAspNetCoreOptions>, SessionKitAspNetCoreOptionsValidator>());
            services.TryAddSingleton<HttpSessions>();
            services.TryAddSingleton<SessionHubFilter>();
            services.RemoveAll<IUserIdProvider>();
            services.AddSingleton<IUserIdProvider, SessionUserIdProvider>();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<HubOptions>, SessionHubOptionsSetup>());
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        return builder;
    }
}
