using System.Buffers.Binary;
using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace SessionKit.AspNetCore.Internal;

/// <summary>
/// Turns a request's principal into a session user and connects sessions for WebSocket endpoints and hub connections:
/// the one place the claims mapping and the connect options are decided, so both integrations agree on who a user is.
/// </summary>
internal sealed class HttpSessions(SessionManager manager, IOptions<SessionKitAspNetCoreOptions> options, IOptions<SessionManagerOptions> managerOptions)
{
    public SessionManager Manager => manager;

    public SessionKitAspNetCoreOptions Options => options.Value;

    /// <summary>Maps <paramref name="principal"/> to a session user; <see langword="null"/> for guest.</summary>
    /// <exception cref="UserNameRefusedException">The default mapping found a name outside SessionKit's user name rules.</exception>
    public SessionUser? MapUser(ClaimsPrincipal? principal)
    {
        if (principal is null)
        {
            return null;
        }

        if (Options.MapUser is { } map)
        {
            return map(principal);
        }

        if (principal.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        var name = principal.FindFirst(ClaimTypes.NameIdentifier)?.Value;
        if (string.IsNullOrEmpty(name))
        {
            name = principal.Identity.Name;
        }

        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        // The name is the identity provider's (an e-mail address, a display name): one SessionKit cannot take refuses
        // the client; it must not surface as an ArgumentException (a 500, an opaque handshake failure).
        if (name.Length > managerOptions.Value.MaxUserNameLength)
        {
            throw new UserNameRefusedException($"The signed-in name is longer than {managerOptions.Value.MaxUserNameLength} characters (SessionManagerOptions.MaxUserNameLength).");
        }

        SessionUser external;
        try
        {
            external = new SessionUser(ExternalId(name), name);
        }
        catch (ArgumentException ex)
        {
            throw new UserNameRefusedException("The signed-in name breaks SessionKit's user name rules: map it with SessionKitAspNetCoreOptions.MapUser.", ex);
        }

        return manager.Directory.TryFindUser(name, out var known) && known is not null ? known : external;
    }

    /// <summary>Connects a session for <paramref name="user"/> (from <see cref="MapUser"/>).</summary>
    public ValueTask<Session> ConnectAsync(SessionType type, SessionUser? user, EndPoint? peer, ISessionConnection connection, CancellationToken cancellationToken)
    {
        var connect = new ConnectOptions { Type = type, Peer = peer, Connection = connection };
        if (user is not null && user.Id != SessionUser.Guest.Id)
        {
            // A directory user connects through the directory (its may-connect check applies); anyone else is the
            // host's own authenticated user.
            if (Options.MapUser is null && manager.Directory.TryFindUser(user.Name, out var known) && known is not null && known.Id == user.Id)
            {
                connect.User = user.Name;
            }
            else
            {
                connect.AuthenticatedUser = user;
            }
        }

        return manager.ConnectAsync(connect, cancellationToken);
    }

    /// <summary>Disconnects <paramref name="session"/> unless it is closed already or the manager is gone (its shutdown closed it).</summary>
    public async ValueTask DisconnectAsync(Session session, Exception? transportException)
    {
        if (session.State != SessionState.Open)
        {
            return;
        }

        try
        {
            await manager.DisconnectAsync(session, reason: null, transportException).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The manager's shutdown finished between the check and the call, and it closed every session.
        }
    }

    /// <summary>The client's address from the connection features, or <see langword="null"/> when the transport has none.</summary>
    public static EndPoint? PeerOf(IFeatureCollection features)
    {
        var connection = features.Get<IHttpConnectionFeature>();
        return connection?.RemoteIpAddress is { } address ? new IPEndPoint(address, connection.RemotePort) : null;
    }

    /// <summary>A stable id for an external user name: a hash with the top bit set, far from directory ids.</summary>
    public static ulong ExternalId(string name)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(name), hash);
        return BinaryPrimitives.ReadUInt64LittleEndian(hash) | (1UL << 63);
    }
}
