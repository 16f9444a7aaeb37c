using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;

namespace SessionKit.AspNetCore.Internal;

/// <summary>
/// A hub connection as a session's transport: sends go through the hub's <c>IHubContext</c> (as any code outside the hub
/// would send), a close writes SignalR's close message with the reason, so the client's <c>Closed</c> handler sees it,
/// then aborts the connection.
/// </summary>
internal sealed class HubSessionConnection(HubConnectionContext connection, IHubClients clients, string method, TimeSpan closeTimeout, TimeProvider timeProvider) : ISessionConnection
{
    private static readonly ConcurrentDictionary<Type, Type> HubContextTypes = new();

    // Counts the hub method invocations of the connection: each runs inside Enter(session, sync) with the next one.
    private long _sync;

    public string ConnectionId => connection.ConnectionId;

    public ulong NextSync() => (ulong)Interlocked.Increment(ref _sync);

    public ValueTask SendAsync(object message, CancellationToken cancellationToken) =>
        new(clients.Client(connection.ConnectionId).SendCoreAsync(method, [message], cancellationToken));

    public async ValueTask CloseAsync(SessionCloseReason reason, CancellationToken cancellationToken)
    {
        try
        {
            await connection.WriteAsync(new CloseMessage(reason.ToString(), allowReconnect: false), cancellationToken).ConfigureAwait(false);

            // Aborting right after the write can drop the close message still on its way out (the client then sees a
            // reset, not the reason). A client closes the connection itself when it reads the message: wait for that,
            // bounded, and abort only a client that does not answer.
            var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var aborted = connection.ConnectionAborted.UnsafeRegister(static s => ((TaskCompletionSource)s!).TrySetResult(), ended);
            using var closed = connection.Features.Get<IConnectionLifetimeFeature>()?.ConnectionClosed.UnsafeRegister(static s => ((TaskCompletionSource)s!).TrySetResult(), ended);
            await ended.Task.WaitAsync(closeTimeout, timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The client did not hang up in time: the abort below ends the connection.
        }
        finally
        {
            connection.Abort();
        }
    }

    /// <summary>The clients of <paramref name="hubType"/>'s <c>IHubContext&lt;THub&gt;</c>.</summary>
    public static IHubClients ClientsOf(IServiceProvider services, Type hubType)
    {
        var contextType = HubContextTypes.GetOrAdd(hubType, static t => typeof(IHubContext<>).MakeGenericType(t));
        var context = services.GetRequiredService(contextType);
        return context is IHubContext plain
            ? plain.Clients
            : (IHubClients)contextType.GetProperty(nameof(IHubContext.Clients))!.GetValue(context)!;
    }
}
