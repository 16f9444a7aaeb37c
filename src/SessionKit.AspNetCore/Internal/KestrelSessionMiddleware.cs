using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SessionKit.AspNetCore.Internal;

/// <summary>The connection middleware of <see cref="ListenOptionsSessionExtensions.UseSessions"/>.</summary>
internal sealed class KestrelSessionMiddleware(IServiceProvider services, SessionType type)
{
    // Resolved on the first connection, not when the endpoint is configured: the manager is built on first use.
    private SessionManager? _manager;
    private ILogger? _logger;

    public async Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var manager = _manager ??= services.GetRequiredService<SessionManager>();
        var logger = _logger ??= (ILogger?)services.GetService<ILoggerFactory>()?.CreateLogger<IConnectionSessionFeature>() ?? NullLogger.Instance;
        var transport = new KestrelSessionConnection(connection, logger);
        Session session;
        try
        {
            session = await manager.ConnectAsync(new ConnectOptions { Type = type, Peer = connection.RemoteEndPoint, Connection = transport }, connection.ConnectionClosed).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !connection.ConnectionClosed.IsCancellationRequested)
        {
            // Refused (an on_connect that threw, shutdown): any client can cause this, so it is no unhandled exception
            // for Kestrel to log as an error; the connection ends without the rest of the pipeline.
            logger.ConnectionConnectRefused(ex);
            connection.Abort(new ConnectionAbortedException("SessionKit refused the connection's session.", ex));
            return;
        }

        transport.Session = session;
        connection.Features.Set<IConnectionSessionFeature>(transport);

        // Kestrel's shutdown asks each connection to close: that is the session's shutdown too.
        using var closeRequested = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested
            .UnsafeRegister(static state => ((KestrelSessionConnection)state!).OnCloseRequested(), transport);
        Exception? failure = null;
        try
        {
            await next(connection).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            failure = ex;
            throw;
        }
        finally
        {
            if (session.State == SessionState.Open)
            {
                try
                {
                    await manager.DisconnectAsync(session, reason: null, failure).ConfigureAwait(false);
                }
                catch (ObjectDisposedException)
                {
                    // The manager's shutdown closed the session already.
                }
            }
        }
    }
}
