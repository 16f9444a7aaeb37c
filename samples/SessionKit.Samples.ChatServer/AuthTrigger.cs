using Microsoft.Extensions.Logging;

namespace SessionKit.Samples.ChatServer;

/// <summary>The <c>on_auth</c> trigger: logs every authentication attempt (the context never carries the password).</summary>
public sealed class AuthTrigger(ILogger<AuthTrigger> logger) : ISessionTrigger<AuthTriggerContext>
{
    /// <inheritdoc/>
    public ValueTask InvokeAsync(AuthTriggerContext context)
    {
        if (context.Succeeded)
        {
            logger.LogInformation("Session {SessionId} authenticated as {UserName}", context.Session.Id, context.UserName);
        }
        else
        {
            logger.LogWarning("Session {SessionId} failed to authenticate", context.Session.Id);
        }

        return ValueTask.CompletedTask;
    }
}
