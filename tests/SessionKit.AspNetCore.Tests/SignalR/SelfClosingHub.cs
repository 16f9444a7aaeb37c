using Microsoft.AspNetCore.SignalR;

namespace SessionKit.AspNetCore.Tests.SignalR;

/// <summary>A hub whose method closes the caller's own session, as a "log out" or "leave" method does.</summary>
public sealed class SelfClosingHub : Hub
{
    public Task Leave() => Context.GetSession()!.CloseAsync(SessionCloseReason.Kicked).AsTask();
}
