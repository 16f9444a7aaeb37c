namespace SessionKit.Hosting.Tests;

/// <summary>
/// An <c>on_disconnect</c> trigger registered as a class: the container resolves it from a new scope per run, which it
/// refuses once it is being disposed. Running at host stop proves the sessions closed while the container still worked.
/// </summary>
public sealed class JournalingDisconnectTrigger(ShutdownJournal journal) : ISessionTrigger<SessionTriggerContext>
{
    public ValueTask InvokeAsync(SessionTriggerContext context)
    {
        journal.Add($"class on_disconnect {context.Session.Id}");
        return ValueTask.CompletedTask;
    }
}
