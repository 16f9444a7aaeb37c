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
        connection.Items[HubItems.Connection] = connection;
        SessionUser? user;
        try
        {
            user = sessions.MapUser(connection.User);
        }
        catch (UserNameRefusedException ex)
        {
            // Throwing here fails the handshake with an opaque message: keep the refusal for the hub filter, which
            // refuses the connection with a message the client sees.
            connection.Items[HubItems.Refusal] = ex;
            return null;
        }

        connection.Items[HubItems.User] = user;
        return user is null || user.Id == SessionUser.Guest.Id ? null : user.Name;
    }
}
