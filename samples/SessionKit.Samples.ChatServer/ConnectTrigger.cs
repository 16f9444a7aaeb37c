using Microsoft.Extensions.Logging;

namespace SessionKit.Samples.ChatServer;

/// <summary>The <c>on_connect</c> trigger: logs every new connection. Resolved from a new DI scope for every run.</summary>
public sealed class ConnectTrigger(ILogger<ConnectTrigger> logger) : ISessionTrigger<SessionTriggerContext>
{
    /// <inheritdoc/>
    public ValueTask InvokeAsync(SessionTriggerContext context)
    {
        logger.LogInformation("Session {SessionId} connected from {Peer}", context.Session.Id, context.Session.Peer);
        return ValueTask.CompletedTask;
    }
}
