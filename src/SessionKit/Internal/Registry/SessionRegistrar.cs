using Microsoft.Extensions.Logging;

namespace SessionKit.Internal;

/// <summary>
/// Creates sessions and publishes them into the registry (a session is visible to lookups, kicks and shutdown from
/// publication on), and arms the authentication timeout of a new session.
/// </summary>
/// <remarks>
/// Holds the manager only to stamp it on each new session as <see cref="Session.Manager"/> (the public back-reference
/// hosts use, and the identity every entry point checks); it never calls into it.
/// </remarks>
internal sealed class SessionRegistrar(
    SessionManager owner,
    SessionRegistry registry,
    UserMembership membership,
    SessionCloser closer,
    ConnectClock clock,
    TimeProvider time,
    TimeSpan? authenticationTimeout,
    SessionMetrics metrics,
    ILogger logger)
{
    /// <summary>Creates a session (not yet published); with <paramref name="connecting"/> its connect step is running until the caller ends it.</summary>
    public Session Create(SessionType type, string? peer, string? host, ISessionConnection? connection, bool connecting)
    {
        var session = new Session(owner, registry.NextId(), type, peer, membership.Guest, clock.GetUtcNow(), host) { Connection = connection };
        if (connecting)
        {
            session.MarkConnecting();
        }

        return session;
    }

    /// <summary>Creates and publishes a guest session, and arms its authentication timeout.</summary>
    public Session RegisterNew(SessionType type, string? peer, string? host, ISessionConnection? connection, bool connecting)
    {
        var session = Create(type, peer, host, connection, connecting);
        Publish(session);
        if (authenticationTimeout is { } timeout)
        {
            StartAuthenticationTimer(session, timeout);
        }

        return session;
    }

    /// <summary>Makes a created session visible: registry, count, gauge, log.</summary>
    public void Publish(Session session)
    {
        registry.Add(session);
        session.MarkRegistered();
        metrics.Opened(session.Type);
        logger.SessionConnected(session.Id, session.Type.Name, session.Peer, session.User.Name);
    }

    /// <summary>Closes the session with connection-timeout if it is still unauthenticated when the timer fires.</summary>
    private void StartAuthenticationTimer(Session session, TimeSpan timeout)
    {
        // The timer holds the session only through a weak reference, so a forgotten session stays collectable; it is
        // disposed on authentication and at destroy. Started with the flow suppressed so that it does not capture the
        // connecting caller's ambient context.
        var target = new WeakReference<Session>(session);
        using (ExecutionContext.SuppressFlow())
        {
            session.Extras.AuthenticationTimer = time.CreateTimer(
                static state =>
                {
                    var (registrar, weak) = ((SessionRegistrar, WeakReference<Session>))state!;
                    registrar.OnAuthenticationTimeout(weak);
                },
                (this, target),
                timeout,
                Timeout.InfiniteTimeSpan);
        }
    }

    private void OnAuthenticationTimeout(WeakReference<Session> weak)
    {
        if (weak.TryGetTarget(out var session) && !session.IsClosed && membership.IsGuest(session.User))
        {
            Detached.Run(CloseOnTimeoutAsync(session));
        }
    }

    private async ValueTask CloseOnTimeoutAsync(Session session)
    {
        try
        {
            await closer.CloseAsync(session, SessionCloseReason.ConnectionTimeout, TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // Shutdown closes it.
        }
    }
}
