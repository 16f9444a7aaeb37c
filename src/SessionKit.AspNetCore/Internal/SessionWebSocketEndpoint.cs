using System.Net.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SessionKit.AspNetCore.Internal;

/// <summary>
/// The request delegate behind <see cref="SessionWebSocketEndpointExtensions.MapSessionWebSocket"/>: accept, connect,
/// run the handler, then in every case finish the close handshake and disconnect the session.
/// </summary>
internal sealed class SessionWebSocketEndpoint(Func<SessionWebSocket, Task> handler)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var sessions = context.RequestServices.GetRequiredService<HttpSessions>();
        var logger = context.RequestServices.GetRequiredService<ILogger<SessionWebSocket>>();

        // Mapped before the upgrade: a mapping that throws is an ordinary failed request, and a signed-in name SessionKit
        // cannot take is the client's refusal.
        SessionUser? user;
        try
        {
            user = sessions.MapUser(context.User);
        }
        catch (UserNameRefusedException ex)
        {
            logger.WebSocketConnectRefused(ex);
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var connection = new WebSocketSessionConnection(socket, sessions.Options.CloseTimeout, sessions.Manager.TimeProvider);
        Session session;
        try
        {
            session = await sessions.ConnectAsync(sessions.Options.WebSocketSessionType, user, HttpSessions.PeerOf(context.Features), connection, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            // Refused (the per-user limit, a disabled account, an on_connect that threw, shutdown): the upgrade already
            // happened, so the client learns why from a close frame rather than a status code.
            logger.WebSocketConnectRefused(ex);
            await connection.CloseAsync(RefusalReason(ex), CancellationToken.None).ConfigureAwait(false);
            await FinishCloseAsync(sessions, connection, null).ConfigureAwait(false);
            return;
        }

        var webSocket = new SessionWebSocket(session, context, connection);
        Exception? failure = null;
        try
        {
            await handler(webSocket).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        try
        {
            if (!IsTransportFailure(failure))
            {
                // The handler ended while the socket may still be open: close it (a server close already did, and then
                // this sends nothing), politely unless the handler failed.
                var (status, description) = failure is null or OperationCanceledException
                    ? (WebSocketCloseStatus.NormalClosure, string.Empty)
                    : (WebSocketCloseStatus.InternalServerError, "internal-server-error");
                await connection.CloseOutputAsync(status, description, CancellationToken.None).ConfigureAwait(false);
                await FinishCloseAsync(sessions, connection, webSocket.TakePendingReceive()).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ConnectionAbortedException or IOException or OperationCanceledException)
        {
            // The client is gone: nothing left to tell it.
            failure ??= ex;
        }
        finally
        {
            await sessions.DisconnectAsync(session, IsTransportFailure(failure) ? failure : null).ConfigureAwait(false);
        }

        if (failure is not null && !IsTransportFailure(failure) && failure is not OperationCanceledException)
        {
            logger.WebSocketHandlerFailed(session.Id, failure);
        }
    }

    /// <summary>The reason a refused connect gives the client.</summary>
    private static SessionCloseReason RefusalReason(Exception ex) => ex switch
    {
        SessionLimitExceededException => SessionCloseReason.SessionLimitReached,
        AccessDeniedException or UserNotFoundException => new SessionCloseReason("not-authorized", "Session access is denied"),
        ObjectDisposedException => SessionCloseReason.SystemShutdown,
        _ => new SessionCloseReason("internal-server-error", "The server refused the connection"),
    };

    private static bool IsTransportFailure(Exception? ex) =>
        ex is WebSocketException or ConnectionAbortedException or ConnectionResetException or IOException;

    /// <summary>After the server's close frame: read until the client answers it, bounded by the close timeout, then let the socket go.</summary>
    private static async Task FinishCloseAsync(HttpSessions sessions, WebSocketSessionConnection connection, Task<ValueWebSocketReceiveResult>? pending)
    {
        var socket = connection.Socket;
        if (pending is null && socket.State != WebSocketState.CloseSent)
        {
            // The usual end: the client closed first and the close above answered it. No timer, no buffer.
            return;
        }

        using var timeout = new CancellationTokenSource(sessions.Options.CloseTimeout, sessions.Manager.TimeProvider);
        var buffer = new byte[256];
        try
        {
            if (pending is not null)
            {
                await pending.WaitAsync(timeout.Token).ConfigureAwait(false);
            }

            while (socket.State == WebSocketState.CloseSent)
            {
                await socket.ReceiveAsync(buffer.AsMemory(), timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ConnectionAbortedException or IOException)
        {
            // The client did not answer in time or hung up: the frame was sent, the socket is done either way.
            socket.Abort();
        }
    }
}
