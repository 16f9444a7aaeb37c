using Microsoft.AspNetCore.SignalR;
using SessionKit.AspNetCore.Internal;

namespace SessionKit.AspNetCore;

/// <summary>Reads the SessionKit session of a hub connection.</summary>
public static class HubCallerContextSessionExtensions
{
    /// <summary>
    /// Gets the session of the hub connection (<c>Context.GetSession()</c> in a hub), also outside a hub method, where
    /// <see cref="SessionManager.Current"/> is not set.
    /// </summary>
    /// <param name="context">The hub's caller context.</param>
    /// <returns>The session, or <see langword="null"/> before the session filter connected it or when SessionKit's hub filter is not registered.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    public static Session? GetSession(this HubCallerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return HubSession.Of(context)?.Session;
    }
}
