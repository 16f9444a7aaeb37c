using SessionKit.Internal;

namespace SessionKit;

/// <summary>
/// Administration beyond <c>box.session</c>: the session listing, kicks, closing a user's sessions after an account
/// event, and the <c>on_session_closing</c> triggers every server-side close runs. Reached as
/// <see cref="SessionManager.Admin"/>.
/// </summary>
/// <remarks>Thread-safe. Every member throws <see cref="ObjectDisposedException"/> once its manager was disposed.</remarks>
public sealed class SessionAdministration
{
    private readonly SessionManager _owner;
    private readonly SessionRegistry _registry;
    private readonly SessionCloser _closer;
    private readonly UserMembership _membership;
    private readonly SessionLimits _limits;
    private readonly ManagerLifetime _lifetime;

    internal SessionAdministration(SessionManager owner, SessionRegistry registry, SessionCloser closer, UserMembership membership, TriggerList<SessionClosingContext> onSessionClosing, SessionLimits limits, ManagerLifetime lifetime)
    {
        _owner = owner;
        _registry = registry;
        _closer = closer;
        _membership = membership;
        _limits = limits;
        _lifetime = lifetime;
        OnSessionClosing = onSessionClosing;
    }

    /// <summary>Gets the <c>on_session_closing</c> triggers (Prosody's <c>pre-session-close</c>): run before the server closes a session; they may rewrite the reason. Errors are logged.</summary>
    public TriggerList<SessionClosingContext> OnSessionClosing { get; }

    /// <summary>Gets the administration listing: one row per registered session, ordered by id.</summary>
    /// <returns>The rows at the time of the call.</returns>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public IReadOnlyList<SessionInfo> ListSessions()
    {
        _lifetime.ThrowIfDisposed();
        return _registry.Snapshot().Select(s => new SessionInfo(s.Id, s.User.Name, s.Host, s.Resource, s.Type, s.Peer, s.ConnectedAt, s.State, s.IsAvailable, s.Priority)).ToArray();
    }

    /// <summary>Kicks one session: closes it with <paramref name="reason"/>.</summary>
    /// <param name="id">The session id.</param>
    /// <param name="reason">Why; <see langword="null"/> for <see cref="SessionCloseReason.Kicked"/>.</param>
    /// <param name="cancellationToken">Cancels this call's wait and the polite part of its closes (see <see cref="Session.CloseAsync"/>); a close that was started still ends with the session disconnected and destroyed.</param>
    /// <returns><see langword="true"/> when this call closed it; <see langword="false"/> for an unknown or already closed session.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; the sessions whose close had started are still closed.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public async ValueTask<bool> KickAsync(ulong id, SessionCloseReason? reason = null, CancellationToken cancellationToken = default)
    {
        _lifetime.ThrowIfDisposed();
        return _registry.TryGet(id, out var session) &&
            await _closer.CloseIfOpenAsync(session, reason ?? SessionCloseReason.Kicked, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Kicks every session of a user.</summary>
    /// <param name="user">The user name.</param>
    /// <param name="reason">Why; <see langword="null"/> for <see cref="SessionCloseReason.Kicked"/>.</param>
    /// <param name="host">The host; <see langword="null"/> for sessions without a host.</param>
    /// <param name="cancellationToken">Cancels this call's wait and the polite part of its closes (see <see cref="Session.CloseAsync"/>); a close that was started still ends with the session disconnected and destroyed.</param>
    /// <returns>How many sessions this call closed.</returns>
    /// <exception cref="ArgumentException">A name is invalid.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; the sessions whose close had started are still closed.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public ValueTask<int> KickUserAsync(string user, SessionCloseReason? reason = null, string? host = null, CancellationToken cancellationToken = default) =>
        CloseUserSessionsAsync(user, reason ?? SessionCloseReason.Kicked, null, host, cancellationToken);

    /// <summary>Kicks every session.</summary>
    /// <param name="reason">Why; <see langword="null"/> for <see cref="SessionCloseReason.Kicked"/>.</param>
    /// <param name="cancellationToken">Cancels this call's wait and the polite part of its closes (see <see cref="Session.CloseAsync"/>); a close that was started still ends with the session disconnected and destroyed.</param>
    /// <returns>How many sessions this call closed.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; the sessions whose close had started are still closed.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public async ValueTask<int> KickAllAsync(SessionCloseReason? reason = null, CancellationToken cancellationToken = default)
    {
        _lifetime.ThrowIfDisposed();
        var closed = 0;
        foreach (var session in _registry.Snapshot())
        {
            if (await _closer.CloseIfOpenAsync(session, reason ?? SessionCloseReason.Kicked, cancellationToken).ConfigureAwait(false))
            {
                closed++;
            }
        }

        return closed;
    }

    /// <summary>
    /// Closes a user's sessions after an account event: a password change (<see cref="SessionCloseReason.PasswordChanged"/>,
    /// sparing the session that changed it), a deletion, a disablement or a role change.
    /// </summary>
    /// <param name="user">The user name.</param>
    /// <param name="reason">Why; the client is told through its connection.</param>
    /// <param name="except">A session to spare (the one that changed the password), or <see langword="null"/>.</param>
    /// <param name="host">The host; <see langword="null"/> for sessions without a host.</param>
    /// <param name="cancellationToken">Cancels this call's wait and the polite part of its closes (see <see cref="Session.CloseAsync"/>); a close that was started still ends with the session disconnected and destroyed.</param>
    /// <returns>How many sessions this call closed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reason"/> is null.</exception>
    /// <exception cref="ArgumentException">A name is invalid, or <paramref name="except"/> belongs to another manager.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; the sessions whose close had started are still closed.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public async ValueTask<int> CloseUserSessionsAsync(string user, SessionCloseReason reason, Session? except = null, string? host = null, CancellationToken cancellationToken = default)
    {
        _limits.User(user, nameof(user));
        ArgumentNullException.ThrowIfNull(reason);
        _limits.OptionalHost(host, nameof(host));
        if (except is not null)
        {
            SessionGuards.Validate(except, _owner, nameof(except));
        }

        _lifetime.ThrowIfDisposed();
        var closed = 0;
        foreach (var session in _membership.Index.SessionsOf(user, host))
        {
            if (!ReferenceEquals(session, except) && await _closer.CloseIfOpenAsync(session, reason, cancellationToken).ConfigureAwait(false))
            {
                closed++;
            }
        }

        return closed;
    }
}
