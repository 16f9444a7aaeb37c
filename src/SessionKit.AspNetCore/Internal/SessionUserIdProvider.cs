using Microsoft.AspNetCore.SignalR;

namespace SessionKit.AspNetCore.Internal;

/// <summary>
/// SignalR's user id is the session user's name, so <c>Clients.User(name)</c> reaches exactly the hub sessions of that
/// user. Called once per connection during the handshake, before any hub code: it also keeps the connection's
/// <see cref="HubConnectionContext"/> and mapped user in its items, for the hub filter (which only sees the caller
/// context) to connect the session and, later, to write the close message that tells the client why.
/// </summary>
internal sealed class SessionUserIdProvider(HttpSessions sessions) : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection)
    {
        var user = sessions.MapUser(connection.User);
        connection.Items[HubItems.Connection] = connection;
        connection.Items[HubItems.User] = user;
        return user is null || user.Id == SessionUser.Guest.Id ? null : user.Name;
    }
}
