using Microsoft.Extensions.Logging;

namespace SessionKit.Internal;

/// <summary>
/// Decides as whom and where a trigger list runs: a session's system context (sync 0, effective user admin), the
/// pre-authentication user for <c>on_auth</c>, the caller's own context for <c>on_access_denied</c>, or a holder of its
/// own for a session destroyed meanwhile. Owns the error sinks of the lists that go on past failing triggers.
/// </summary>
internal sealed class TriggerDispatcher
{
    private readonly TriggerInvoker _invoker;
    private readonly AmbientSlot _ambient;
    private readonly TriggerList<AccessDeniedTriggerContext> _accessDenied;
    private readonly SessionUser _admin;
    private readonly ILogger _logger;
    private readonly Dictionary<string, TriggerErrorSink> _sinks;

    // on_disconnect's sink, held apart from _sinks: every disconnect with triggers needs it, and a string-keyed lookup
    // cost as much as running a trigger.
    private readonly TriggerErrorSink _disconnectSink;

    public TriggerDispatcher(TriggerInvoker invoker, AmbientSlot ambient, TriggerLists lists, SessionUser admin, ILogger logger)
    {
        _invoker = invoker;
        _ambient = ambient;
        _accessDenied = lists.AccessDenied;
        _admin = admin;
        _logger = logger;
        _sinks = TriggerListNames.All.ToDictionary(name => name, name => new TriggerErrorSink(logger, name), StringComparer.Ordinal);
        _disconnectSink = _sinks[TriggerListNames.Disconnect];
    }

    /// <summary>Runs <c>on_connect</c> or <c>on_disconnect</c> for <paramref name="session"/> in its system context.</summary>
    public ValueTask RunSessionTriggersAsync(TriggerList<SessionTriggerContext> list, Session session, string listName, bool continueOnError, CancellationToken cancellationToken) =>
        RunForSessionAsync(list, session, listName, continueOnError, cancellationToken, static (s, token) => new SessionTriggerContext(s!, token));

    /// <summary>Runs a list for <paramref name="session"/> in its system context: the session is current, sync 0, effective user admin.</summary>
    public ValueTask RunForSessionAsync<TContext>(
        TriggerList<TContext> list,
        Session session,
        string listName,
        bool continueOnError,
        CancellationToken cancellationToken,
        Func<Session?, CancellationToken, TContext> makeContext)
    {
        var entries = list.Snapshot;
        if (entries.Length == 0)
        {
            return default;
        }

        var extras = session.Extras;
        var context = extras.SystemContext ??= new AmbientContext(session.Holder, 0, _admin, null, holdsRequest: false);
        return _invoker.RunAsync(entries, context, session, listName, continueOnError ? SinkFor(listName) : null, cancellationToken, makeContext);
    }

    /// <summary>Runs <c>on_auth</c> as the pre-authentication user with the authentication request's sync.</summary>
    public ValueTask RunAuthAsync(TriggerList<AuthTriggerContext> list, Session session, string userName, bool succeeded, CancellationToken cancellationToken)
    {
        var entries = list.Snapshot;
        return entries.Length == 0 ? default : RunAuthCoreAsync(entries, session, userName, succeeded, cancellationToken);
    }

    /// <summary>
    /// Runs <c>on_access_denied</c> in the caller's own context; its errors are logged and never propagate.
    /// </summary>
    public ValueTask FireAccessDeniedAsync(Session? session, string access, string objectType, string objectName, string userName, CancellationToken cancellationToken)
    {
        _logger.AccessDenied(access, objectType, objectName, userName, session?.Id ?? 0);
        var entries = _accessDenied.Snapshot;
        if (entries.Length == 0)
        {
            return default;
        }

        return _invoker.RunAsync(entries, null, session, TriggerListNames.AccessDenied, SinkFor(TriggerListNames.AccessDenied), cancellationToken, (s, t) => new AccessDeniedTriggerContext(s, access, objectType, objectName, userName, t));
    }

    /// <summary>Fires <c>on_access_denied</c> from a synchronous caller: triggers that go async finish in the background.</summary>
    public void FireAccessDenied(Session? session, string access, string objectType, string objectName, string userName) =>
        Detached.Run(FireAccessDeniedAsync(session, access, objectType, objectName, userName, CancellationToken.None));

    /// <summary>
    /// Runs a list for a session that is destroyed, or may be before the run ends (on_user_offline from destroy,
    /// on_session_evicted): the session's own holder is detached at destroy, so the run gets a holder of its own that
    /// keeps the session current for the whole run, across awaits, and is detached when the run ends, so tasks the
    /// triggers leave behind see no session afterwards, as for any destroyed session.
    /// </summary>
    public ValueTask RunForTombstoneAsync<TContext>(
        TriggerList<TContext> list,
        Session session,
        SessionUser user,
        string listName,
        CancellationToken cancellationToken,
        Func<Session?, CancellationToken, TContext> makeContext,
        bool continueOnError = true)
    {
        var entries = list.Snapshot;
        if (entries.Length == 0)
        {
            return default;
        }

        var holder = new SessionHolder(session, user);
        var context = new AmbientContext(holder, 0, _admin, null, holdsRequest: false);
        var pending = _invoker.RunAsync(entries, context, session, listName, continueOnError ? SinkFor(listName) : null, cancellationToken, makeContext);
        if (pending.IsCompleted)
        {
            holder.Detach();
            return pending;
        }

        return DetachAfterAsync(pending, holder);

        static async ValueTask DetachAfterAsync(ValueTask pending, SessionHolder holder)
        {
            try
            {
                await pending.ConfigureAwait(false);
            }
            finally
            {
                holder.Detach();
            }
        }
    }

    /// <summary>The part of <see cref="RunAuthAsync"/> with the closure: a lambda's captured parameters are allocated on entry to the method that declares them.</summary>
    private ValueTask RunAuthCoreAsync(TriggerEntry<AuthTriggerContext>[] entries, Session session, string userName, bool succeeded, CancellationToken cancellationToken)
    {
        var current = _ambient.Current;
        var sync = ReferenceEquals(current?.Holder, session.Holder) ? current!.Sync : 0;
        var context = new AmbientContext(session.Holder, sync, session.User, null, holdsRequest: false);
        return _invoker.RunAsync(entries, context, session, TriggerListNames.Auth, null, cancellationToken, (s, t) => new AuthTriggerContext(s!, userName, succeeded, t));
    }

    // The list names are the constants of TriggerListNames, so a reference comparison finds on_disconnect's.
    private TriggerErrorSink SinkFor(string listName) =>
        ReferenceEquals(listName, TriggerListNames.Disconnect) ? _disconnectSink : _sinks[listName];
}
