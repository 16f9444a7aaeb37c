namespace SessionKit;

/// <summary>
/// The host's side of one client connection, given to <see cref="ConnectOptions.Connection"/>: SessionKit sends
/// messages and closes the connection through it (<see cref="Session.SendAsync"/>, <see cref="Session.CloseAsync"/>,
/// the routing helpers and the administration calls). Tarantool's <c>box.session.push</c> maps here.
/// </summary>
/// <remarks>
/// Implementations must be thread-safe: routing may send to one session from several threads. SessionKit never calls
/// them under a lock. A failure of <see cref="SendAsync"/> propagates from <see cref="Session.SendAsync"/> and is logged
/// and counted as "not sent" by the routing helpers; a failure of <see cref="CloseAsync"/> is logged and the session is
/// closed anyway.
/// </remarks>
public interface ISessionConnection
{
    /// <summary>Sends one message to the client.</summary>
    /// <param name="message">The message; its type is the host's protocol's business.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task that completes when the message was handed to the connection.</returns>
    ValueTask SendAsync(object message, CancellationToken cancellationToken);

    /// <summary>Closes the connection, telling the client why when the protocol can (an XMPP stream error, a WebSocket close frame).</summary>
    /// <param name="reason">Why the server closes the connection.</param>
    /// <param name="cancellationToken">Cancels the close.</param>
    /// <returns>A task that completes when the connection was told to close.</returns>
    ValueTask CloseAsync(SessionCloseReason reason, CancellationToken cancellationToken);
}
