namespace SessionKit.Samples.WebChat;

/// <summary>Tells every open chat socket that the session list changed, so pages refresh it.</summary>
public sealed class Presence(SessionManager sessions)
{
    /// <summary>Sends <c>{"type":"presence"}</c> to every open session but <paramref name="except"/>.</summary>
    public async Task ChangedAsync(Session? except = null)
    {
        var targets = sessions.GetSessions().Where(s => s != except && s.State == SessionState.Open);
        await sessions.Users.SendToSessionsAsync(targets, new ChatEvent("presence"));
    }
}
