using Microsoft.AspNetCore.Server.Kestrel.Core;
using SessionKit.AspNetCore.Internal;

namespace SessionKit.AspNetCore;

/// <summary>Gives every connection Kestrel accepts on an endpoint a SessionKit session.</summary>
public static class ListenOptionsSessionExtensions
{
    /// <summary>
    /// Adds connection middleware that connects a session (of <paramref name="type"/>, peer from the connection's
    /// <c>RemoteEndPoint</c>) for each accepted connection, puts it in the connection's features
    /// (<see cref="IConnectionSessionFeature"/>) and disconnects it when the connection ends.
    /// </summary>
    /// <param name="listenOptions">The endpoint, inside <c>options.Listen(…, listen => …)</c>.</param>
    /// <param name="type">The type of the connections' sessions.</param>
    /// <returns>The same <paramref name="listenOptions"/>, to chain more middleware (which then sees the session).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="listenOptions"/> is null.</exception>
    /// <remarks>
    /// <para>
    /// The sessions start as guest (a raw connection carries no principal); the host authenticates them as its protocol
    /// allows. A connect SessionKit refuses (shutdown, an <c>on_connect</c> that throws) aborts the connection (logged at
    /// <c>Information</c>; the rest of the connection pipeline does not run).
    /// </para>
    /// <para>
    /// A SessionKit close (a kick, an eviction, a conflict) aborts the connection with a
    /// <c>ConnectionAbortedException</c> carrying the reason. A <see cref="SessionCloseReason.SystemShutdown"/> close asks
    /// Kestrel to close the connection gracefully instead (<c>IConnectionLifetimeNotificationFeature.RequestClose</c>), so
    /// a request in flight still completes; and Kestrel's own request to close a connection (its shutdown) closes the
    /// session with <see cref="SessionCloseReason.SystemShutdown"/>.
    /// </para>
    /// <para><see cref="Session.SendAsync"/> writes <c>byte[]</c>, <c>ReadOnlyMemory&lt;byte&gt;</c> or UTF-8 <c>string</c> messages to the connection's output: use it only for protocols that write nowhere else.</para>
    /// </remarks>
    public static ListenOptions UseSessions(this ListenOptions listenOptions, SessionType type)
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        var middleware = new KestrelSessionMiddleware(listenOptions.ApplicationServices, type);
        listenOptions.Use(next => connection => middleware.OnConnectionAsync(connection, next));
        return listenOptions;
    }
}
