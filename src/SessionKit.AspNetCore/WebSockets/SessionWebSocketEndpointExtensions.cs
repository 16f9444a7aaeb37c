using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SessionKit.AspNetCore.Internal;

namespace SessionKit.AspNetCore;

/// <summary>Maps WebSocket endpoints whose every socket is a SessionKit session.</summary>
public static class SessionWebSocketEndpointExtensions
{
    /// <summary>
    /// Maps <paramref name="pattern"/> to a WebSocket endpoint: each request is accepted, connected as a session (type
    /// <see cref="SessionKitAspNetCoreOptions.WebSocketSessionType"/>, user from the request's principal, peer from the
    /// connection), handed to <paramref name="handler"/>, and disconnected when the handler ends, throws or the client
    /// goes away.
    /// </summary>
    /// <param name="endpoints">The route builder (a <c>WebApplication</c>).</param>
    /// <param name="pattern">The route pattern.</param>
    /// <param name="handler">Serves one socket: typically a loop over <see cref="SessionWebSocket.ReceiveAsync"/> until a close.</param>
    /// <returns>A builder to add conventions to the endpoint (<c>RequireAuthorization()</c>, for example).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/>, <paramref name="pattern"/> or <paramref name="handler"/> is null.</exception>
    /// <exception cref="InvalidOperationException"><c>AddSessions().AddAspNetCore()</c> was not called on the app's services.</exception>
    /// <remarks>
    /// <para>Needs <c>app.UseWebSockets()</c> and <c>AddSessions().AddAspNetCore()</c>. A request that is not a WebSocket request gets 400.</para>
    /// <para>
    /// A connect that SessionKit refuses (the per-user limit under <see cref="SessionLimitPolicy.RejectNew"/>, a disabled
    /// account, an <c>on_connect</c> trigger that throws, shutdown) closes the accepted socket with the reason. A
    /// SessionKit close (a kick, a conflict, an eviction, shutdown) sends a close frame
    /// (<see cref="SessionWebSocketCloseStatus"/>) under the socket's send lock, then the endpoint waits up to
    /// <see cref="SessionKitAspNetCoreOptions.CloseTimeout"/> for the client's answer. Sends are serialized per socket.
    /// </para>
    /// </remarks>
    public static IEndpointConventionBuilder MapSessionWebSocket(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern, Func<SessionWebSocket, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(handler);

        // Checked without resolving anything (the manager is built on first use): otherwise the missing call surfaces
        // only at the first request, as "no service for type" naming an internal type.
        if (endpoints.ServiceProvider.GetService<IServiceProviderIsService>() is { } registry && !registry.IsService(typeof(HttpSessions)))
        {
            throw new InvalidOperationException("MapSessionWebSocket needs SessionKit's ASP.NET Core services: call services.AddSessions().AddAspNetCore().");
        }

        var endpoint = new SessionWebSocketEndpoint(handler);
        return endpoints.Map(pattern, endpoint.InvokeAsync).WithDisplayName($"SessionKit WebSocket {pattern}");
    }
}
