using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace SessionKit.Samples.ChatServer;

/// <summary>
/// The <c>on_disconnect</c> trigger: logs the disconnect and tells the other sessions (<c>left #ID USER</c>). It runs
/// once per session, whether the client quit, vanished mid-line, stopped reading or the server is stopping, and logs
/// which (<see cref="SessionTriggerContext.Reason"/>).
/// </summary>
public sealed class DisconnectTrigger(ILogger<DisconnectTrigger> logger) : ISessionTrigger<SessionTriggerContext>
{
    /// <inheritdoc/>
    public async ValueTask InvokeAsync(SessionTriggerContext context)
    {
        var session = context.Session;
        logger.LogInformation("Session {SessionId} ({UserName}) disconnected", session.Id, session.User.Name);

        // Reason tells a client that hung up (client-disconnected) from a kick, a slow consumer or shutdown.
        logger.LogDebug(context.TransportException, "Session {SessionId} close reason: {Reason}", session.Id, context.Reason);
        var notice = $"left #{session.Id} {session.User.Name}";
        foreach (var other in session.Manager.GetSessions())
        {
            if (ReferenceEquals(other, session))
            {
                continue;
            }

            try
            {
                await other.SendAsync(notice, context.CancellationToken);
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // That client is leaving too.
            }
        }
    }
}
