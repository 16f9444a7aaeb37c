using System.Security.Claims;

namespace SessionKit.AspNetCore;

/// <summary>
/// Options of SessionKit's ASP.NET Core integration, set with
/// <see cref="SessionsBuilderAspNetCoreExtensions.AddAspNetCore(ISessionsBuilder, Action{SessionKitAspNetCoreOptions})"/>
/// or <c>services.Configure&lt;SessionKitAspNetCoreOptions&gt;(…)</c>.
/// </summary>
public sealed class SessionKitAspNetCoreOptions
{
    /// <summary>
    /// Gets or sets how the request's <see cref="ClaimsPrincipal"/> becomes the session user of a WebSocket or SignalR
    /// session: the session starts as the returned user with no password round trip
    /// (<see cref="ConnectOptions.AuthenticatedUser"/>), or as guest when it returns <see langword="null"/>.
    /// </summary>
    /// <remarks>
    /// The default (<see langword="null"/>) maps an authenticated principal by name: its
    /// <see cref="ClaimTypes.NameIdentifier"/> claim, else <see cref="System.Security.Principal.IIdentity.Name"/>. A name
    /// the <see cref="IUserDirectory"/> knows connects as that directory user (its may-connect check applies); any
    /// other name connects as an external user whose id is derived from the name (a stable 63-bit hash with the top bit
    /// set, so it never meets the small ids a directory hands out). An anonymous principal connects as guest. The name
    /// must follow SessionKit's user name rules (no <c>@</c> or <c>/</c>, at most <see cref="SessionManagerOptions.MaxUserNameLength"/>
    /// characters): map e-mail addresses yourself. A name that does not is refused (the WebSocket endpoint answers 403, a hub
    /// client's start fails with <c>not-authorized</c>).
    /// </remarks>
    /// <value><see langword="null"/>: the default mapping above.</value>
    public Func<ClaimsPrincipal, SessionUser?>? MapUser { get; set; }

    /// <summary>Gets or sets the type of sessions created by <see cref="SessionWebSocketEndpointExtensions.MapSessionWebSocket"/>.</summary>
    /// <value><c>websocket</c>.</value>
    public SessionType WebSocketSessionType { get; set; } = new("websocket");

    /// <summary>Gets or sets the type of sessions created for SignalR hub connections.</summary>
    /// <value><c>signalr</c>.</value>
    public SessionType SignalRSessionType { get; set; } = new("signalr");

    /// <summary>
    /// Gets or sets the client method that <see cref="Session.SendAsync"/> invokes on a SignalR session's client, with
    /// the message as its one argument (through the hub's <c>IHubContext</c>).
    /// </summary>
    /// <value><c>SessionMessage</c>.</value>
    public string HubClientMethod { get; set; } = "SessionMessage";

    /// <summary>
    /// Gets or sets how long a server-side close waits for the client to answer it (a WebSocket's close frame, SignalR's
    /// close message) before the connection is aborted: aborting at once could drop the message that tells the client why.
    /// A WebSocket close frame that cannot get out in that time (a send the client does not read holds the socket) aborts
    /// the socket too.
    /// </summary>
    /// <value>5 seconds. Positive and at most <see cref="int.MaxValue"/> milliseconds, or <see cref="Timeout.InfiniteTimeSpan"/> to wait for the client however long it takes.</value>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
