using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging;

namespace SessionKit.AspNetCore.Internal;

/// <summary>A Kestrel connection as a session's transport, and the connection feature that exposes the session.</summary>
internal sealed class KestrelSessionConnection(ConnectionContext connection, ILogger logger) : ISessionConnection, IConnectionSessionFeature
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    // Set right after the connect returns, before the feature is published or any close can reach this connection
    // through the registry... except a close during on_connect, which only needs the connection, not the session.
    public Session Session { get; set; } = null!;

    public async ValueTask SendAsync(object message, CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte> bytes = message switch
        {
            byte[] array => array,
            ReadOnlyMemory<byte> memory => memory,
            string text => Encoding.UTF8.GetBytes(text),
            _ => throw new ArgumentException($"A Kestrel connection sends byte[], ReadOnlyMemory<byte> or string messages, not {message.GetType().Name}.", nameof(message)),
        };

        // A pipe has one writer at a time: routing may send from several threads.
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await connection.Transport.Output.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public ValueTask CloseAsync(SessionCloseReason reason, CancellationToken cancellationToken)
    {
        if (reason == SessionCloseReason.SystemShutdown && connection.Features.Get<IConnectionLifetimeNotificationFeature>() is { } notification)
        {
            // Graceful: Kestrel finishes the request in flight, then closes; a protocol handler sees ConnectionClosedRequested.
            notification.RequestClose();
        }
        else
        {
            connection.Abort(new ConnectionAbortedException($"The session was closed: {reason}"));
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Kestrel asked the connection to close (server shutdown): close the session with <see cref="SessionCloseReason.SystemShutdown"/>.</summary>
    public void OnCloseRequested()
    {
        _ = CloseForShutdownAsync();
    }

    private async Task CloseForShutdownAsync()
    {
        try
        {
            await Session.CloseAsync(SessionCloseReason.SystemShutdown).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or OperationCanceledException)
        {
            // The manager's own shutdown got there first.
            logger.ConnectionCloseFailed(Session.Id, ex);
        }
    }
}
