using System.Globalization;
using System.Security.Cryptography;
using SessionKit.Internal;

namespace SessionKit;

public sealed partial class SessionManager
{
    private const int RandomResourceBytes = 9;

    /// <summary>Gets the <c>on_pre_resource_bind</c> triggers (Prosody's <c>pre-resource-bind</c>): they may rewrite the resource or veto the bind. An error fails the bind.</summary>
    public TriggerList<PreResourceBindContext> OnPreResourceBind { get; } = new();

    /// <summary>Gets the <c>on_resource_bind</c> triggers: run after a bind. An error rolls the bind back and fails it with <c>cancel / internal-server-error</c>.</summary>
    public TriggerList<ResourceBindContext> OnResourceBind { get; } = new();

    /// <summary>Gets the <c>on_resource_unbind</c> triggers: run when a bound session closes (after the indexes were cleared) or changes user. Errors are logged.</summary>
    public TriggerList<ResourceBindContext> OnResourceUnbind { get; } = new();

    /// <summary>
    /// Gives an authenticated session a resource, a name unique among its user's sessions (its full address is
    /// <c>user@host/resource</c>). A taken resource is resolved by <see cref="SessionOptions.ResourceConflictPolicy"/>.
    /// </summary>
    /// <param name="session">The session.</param>
    /// <param name="resource">The resource asked for; <see langword="null"/> or empty for a random unique one.</param>
    /// <param name="cancellationToken">Passed to the triggers.</param>
    /// <returns>The resource bound (it differs from the one asked for after a rewrite, <see cref="ResourceConflictPolicy.Increment"/> or <see cref="ResourceConflictPolicy.Random"/>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="resource"/> is whitespace, longer than <see cref="SessionOptions.MaxResourceLength"/> (256 by default), or has control characters or lone surrogates; or <paramref name="session"/> belongs to another manager.</exception>
    /// <exception cref="ResourceBindException">Not authenticated (<c>auth / not-authorized</c>), already bound (<c>cancel / not-allowed</c>), vetoed, taken under <see cref="ResourceConflictPolicy.RejectNew"/> (<c>cancel / conflict</c>), held by a session whose own close is running this call under <see cref="ResourceConflictPolicy.KickOld"/> (<c>cancel / conflict</c>: that close waits for this call, so the resource cannot be freed first), or an <c>on_resource_bind</c> trigger failed (<c>cancel / internal-server-error</c>).</exception>
    /// <exception cref="SessionClosedException">The session is closed (perhaps replaced by a concurrent bind).</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public async ValueTask<string> BindResourceAsync(Session session, string? resource = null, CancellationToken cancellationToken = default)
    {
        ValidateSession(session);
        if (!string.IsNullOrEmpty(resource))
        {
            _limits.Resource(resource, nameof(resource));
        }

        ThrowIfDisposed();
        ThrowIfClosed(session);
        if (session.User.Id == _guest.Id)
        {
            throw new ResourceBindException("auth", "not-authorized", "Cannot bind resource before authentication");
        }

        if (!session.TryStartBind())
        {
            throw new ResourceBindException("cancel", "not-allowed", "Cannot bind multiple resources on a single connection");
        }

        try
        {
            var wanted = string.IsNullOrEmpty(resource) ? RandomResource() : resource;
            if (OnPreResourceBind.Count != 0)
            {
                var pre = new PreResourceBindContext(session, wanted, cancellationToken);
                await RunHoldingSessionAsync(OnPreResourceBind, session, TriggerListNames.PreResourceBind, false, cancellationToken, (_, _) => pre).ConfigureAwait(false);
                if (pre.VetoError is { } veto)
                {
                    throw veto;
                }

                wanted = pre.Resource;
            }

            var bound = await ResolveAndBindAsync(session, wanted).ConfigureAwait(false);
            _logger.ResourceBound(session.Id, bound);
            try
            {
                await RunHoldingSessionAsync(OnResourceBind, session, TriggerListNames.ResourceBind, false, cancellationToken, (s, t) => new ResourceBindContext(s!, bound, null, t)).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Prosody's roster-load failure: roll everything back so no index keeps the session.
                _index.Unbind(session, session.User);
                session.Resource = null;
                throw new ResourceBindException("cancel", "internal-server-error", "The bind could not be completed", ex);
            }

            return bound;
        }
        finally
        {
            session.EndBind();
        }
    }

    /// <summary>Finds the session bound to a user's resource.</summary>
    /// <param name="user">The user name.</param>
    /// <param name="resource">The resource.</param>
    /// <param name="host">The host; <see langword="null"/> for sessions without a host.</param>
    /// <returns>The session, or <see langword="null"/> when the resource is free.</returns>
    /// <exception cref="ArgumentException">A name is invalid.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public Session? FindResource(string user, string resource, string? host = null)
    {
        _limits.User(user, nameof(user));
        _limits.Resource(resource, nameof(resource));
        ValidateHost(host);
        ThrowIfDisposed();
        foreach (var pair in _index.ResourcesOf(user, host))
        {
            if (pair.Key == resource)
            {
                return pair.Value;
            }
        }

        return null;
    }

    /// <summary>Gets a snapshot of a user's bound resources (each listed once) with their sessions, oldest session first.</summary>
    /// <param name="user">The user name.</param>
    /// <param name="host">The host; <see langword="null"/> for sessions without a host.</param>
    /// <returns>Resource → session.</returns>
    /// <exception cref="ArgumentException">A name is invalid.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public IReadOnlyList<KeyValuePair<string, Session>> ResourcesOf(string user, string? host = null)
    {
        _limits.User(user, nameof(user));
        ValidateHost(host);
        ThrowIfDisposed();
        return _index.ResourcesOf(user, host);
    }

    private async ValueTask<string> ResolveAndBindAsync(Session session, string wanted)
    {
        var user = session.User;
        var candidate = wanted;
        var suffix = 0;
        while (true)
        {
            ThrowIfClosed(session);
            var attempt = _index.TryBind(session, user, candidate);
            if (attempt.Bound)
            {
                // A close that began after the check above may have released the resources already (it unbinds
                // right after marking the session closed), so it would miss this bind and the resource would stay
                // held by a closed session until its destroy, which an open request scope can put off for ever (and
                // a kick-old bind of it would retry all that time). The full fence pairs with the close's own
                // (TryMarkClosed): either the close sees this bind and releases it, or this sees the close.
                Interlocked.MemoryBarrier();
                if (session.IsClosed)
                {
                    _index.Unbind(session, user);
                    session.Resource = null;
                    ThrowIfClosed(session);
                }

                return candidate;
            }

            if (!attempt.Indexed)
            {
                // The session left the user's index (its user changed or it closed) while binding.
                ThrowIfClosed(session);
                throw new ResourceBindException("cancel", "not-allowed", "The session's user changed while binding");
            }

            var owner = attempt.Owner!;
            switch (_conflictPolicy)
            {
                case ResourceConflictPolicy.RejectNew:
                    throw new ResourceBindException("cancel", "conflict", "Resource already exists");
                case ResourceConflictPolicy.Increment:
                    candidate = Names.WithSuffix(wanted, ++suffix, _limits.MaxResourceLength);
                    break;
                case ResourceConflictPolicy.Random:
                    candidate = suffix++ == 0 ? RandomResource() : Names.WithSuffix(candidate, suffix, _limits.MaxResourceLength);
                    break;
                default:
                    // KickOld: the old session is closed (and so unbound, with its unbind event) before we retry,
                    // so its unbind always precedes the new bind. A concurrent binder may take the resource in
                    // between; the loop then kicks that one too. Each turn closes a session, so it terminates.
                    if (IsInCloseOf(owner))
                    {
                        // Called from the owner's own close (its triggers or transport): that close waits for this
                        // bind, so the resource cannot be freed before the bind returns. Refuse rather than spin.
                        throw new ResourceBindException("cancel", "conflict", "Resource is held by a session whose close is waiting for this bind");
                    }

                    if (!await CloseSessionAsync(owner, SessionCloseReason.Replaced, TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false))
                    {
                        // The owner was already closing (its close was awaited above) or the host disconnected it
                        // and is about to release the resource: let that finish instead of spinning.
                        await Task.Yield();
                    }

                    break;
            }
        }
    }

    private static string RandomResource()
    {
        Span<byte> bytes = stackalloc byte[RandomResourceBytes];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');
    }

    private void ValidateHost(string? host) => _limits.OptionalHost(host, nameof(host));
}
