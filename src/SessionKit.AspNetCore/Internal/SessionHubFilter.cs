using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;

namespace SessionKit.AspNetCore.Internal;

/// <summary>
/// The global hub filter: a session per hub connection (connected before the hub's <c>OnConnectedAsync</c>), every hub
/// method inside <c>Enter(session, sync)</c>, and a disconnect after <c>OnDisconnectedAsync</c>, or right away when
/// <c>OnConnectedAsync</c> throws (SignalR then never calls <c>OnDisconnectedAsync</c>).
/// </summary>
internal sealed class SessionHubFilter(HttpSessions sessions, ILogger<SessionHubFilter> logger) : IHubFilter
{
    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        var items = context.Context.Items;
        if (items.TryGetValue(HubItems.Connection, out var value) is false || value is not HubConnectionContext hubConnection)
        {
            throw new InvalidOperationException("SessionKit's hub filter needs its IUserIdProvider: call AddSessions().AddAspNetCore() and do not replace IUserIdProvider.");
        }

        if (items.TryGetValue(HubItems.Refusal, out var refusal) && refusal is UserNameRefusedException refused)
        {
            logger.HubConnectRefused(refused);
            throw new HubException(UserNameRefusedException.ClientMessage, refused);
        }

        var user = items.TryGetValue(HubItems.User, out var mapped) ? mapped as SessionUser : null;
        var transport = new HubSessionConnection(hubConnection, HubSessionConnection.ClientsOf(context.ServiceProvider, context.Hub.GetType()), sessions.Options.HubClientMethod, sessions.Options.CloseTimeout, sessions.Manager.TimeProvider);
        Session session;
        try
        {
            session = await sessions.ConnectAsync(sessions.Options.SignalRSessionType, user, HttpSessions.PeerOf(context.Context.Features), transport, context.Context.ConnectionAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SessionKitException or ObjectDisposedException)
        {
            // A HubException's message reaches the client (in its failed start), whatever EnableDetailedErrors says.
            logger.HubConnectRefused(ex);
            throw new HubException(ex is ObjectDisposedException ? SessionCloseReason.SystemShutdown.ToString() : ex.Message, ex);
        }

        items[HubItems.Session] = new HubSession(session, transport);
        try
        {
            using (sessions.Manager.Enter(session))
            {
                await next(context).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            await sessions.DisconnectAsync(session, ex).ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (HubSession.Of(invocationContext.Context) is not { } hub)
        {
            return await next(invocationContext).ConfigureAwait(false);
        }

        SessionScope scope;
        try
        {
            scope = sessions.Manager.Enter(hub.Session, hub.Connection.NextSync());
        }
        catch (SessionClosedException ex)
        {
            throw new HubException("The session is closed.", ex);
        }

        using (scope)
        {
            return await next(invocationContext).ConfigureAwait(false);
        }
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        var hub = HubSession.Of(context.Context);
        try
        {
            // The hub's OnDisconnectedAsync runs inside the session while it is open; after a kick it runs outside
            // (a closed session takes no new scope), but it always runs.
            var scope = hub is not null && TryEnter(hub.Session, out var entered) ? entered : default(SessionScope?);
            using (scope)
            {
                await next(context, exception).ConfigureAwait(false);
            }
        }
        finally
        {
            if (hub is not null)
            {
                await sessions.DisconnectAsync(hub.Session, exception).ConfigureAwait(false);
            }
        }
    }

    private bool TryEnter(Session session, out SessionScope scope)
    {
        scope = default;
        if (session.State != SessionState.Open)
        {
            return false;
        }

        try
        {
            scope = sessions.Manager.Enter(session);
            return true;
        }
        catch (SessionClosedException)
        {
            // Closed between the check and the entry.
            return false;
        }
    }
}
