namespace SessionKit.Samples.WebChat;

/// <summary><c>on_disconnect</c>: the pages drop the closed session from their lists.</summary>
public sealed class PresenceTrigger(Presence presence) : ISessionTrigger<SessionTriggerContext>
{
    /// <inheritdoc/>
    public async ValueTask InvokeAsync(SessionTriggerContext context) => await presence.ChangedAsync(context.Session);
}
