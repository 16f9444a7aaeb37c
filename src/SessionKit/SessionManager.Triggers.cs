using Microsoft.Extensions.Logging;
using SessionKit.Internal;

namespace SessionKit;

public sealed partial class SessionManager
{
    // A timestamp no TimeProvider returns: the duration histogram had no listener when the run started.
    private const long NotMeasured = long.MinValue;

    /// <summary>Runs <c>on_connect</c> or <c>on_disconnect</c> for <paramref name="session"/> in its system context (sync 0, effective user admin).</summary>
    private ValueTask RunSessionTriggersAsync(TriggerList<SessionTriggerContext> list, Session session, string listName, bool continueOnError, CancellationToken cancellationToken) =>
        RunForSessionAsync(list, session, listName, continueOnError, cancellationToken, static (s, token) => new SessionTriggerContext(s!, token));

    /// <summary>Runs a list for <paramref name="session"/> in its system context: <see cref="Current"/> is the session, sync 0, effective user admin.</summary>
    private ValueTask RunForSessionAsync<TContext>(
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
        var ambient = extras.SystemContext ??= new AmbientContext(session.Holder, 0, _admin, null, holdsRequest: false);
        return RunLinkedAsync(entries, ambient, session, listName, continueOnError ? SinkFor(listName) : null, cancellationToken, makeContext);
    }

    /// <summary>Lets a run started from a synchronous caller finish on its own. Only for runs whose errors go to a sink, so the task cannot fault.</summary>
    private static void Detach(ValueTask pending)
    {
        if (pending.IsCompletedSuccessfully)
        {
            pending.GetAwaiter().GetResult();
        }
        else
        {
            _ = pending.AsTask();
        }
    }

    /// <summary>Runs <c>on_auth</c> as the pre-authentication user with the authentication request's sync.</summary>
    private ValueTask RunAuthTriggersAsync(Session session, string userName, bool succeeded, CancellationToken cancellationToken)
    {
        var entries = OnAuth.Snapshot;
        if (entries.Length == 0)
        {
            return default;
        }

        return RunAuthTriggersCoreAsync(entries, session, userName, succeeded, cancellationToken);
    }

    /// <summary>The part of <see cref="RunAuthTriggersAsync"/> with the closure: a lambda's captured parameters are allocated on entry to the method that declares them.</summary>
    private ValueTask RunAuthTriggersCoreAsync(TriggerEntry<AuthTriggerContext>[] entries, Session session, string userName, bool succeeded, CancellationToken cancellationToken)
    {
        var current = Ambient;
        var sync = ReferenceEquals(current?.Holder, session.Holder) ? current!.Sync : 0;
        var preAuthUser = session.User;
        var ambient = new AmbientContext(session.Holder, sync, preAuthUser, null, holdsRequest: false);
        return RunLinkedAsync(entries, ambient, session, TriggerListNames.Auth, null, cancellationToken, (s, t) => new AuthTriggerContext(s!, userName, succeeded, t));
    }

    /// <summary>Runs <c>on_access_denied</c> in the caller's own context; its errors are logged and never propagate.</summary>
    private ValueTask FireAccessDeniedAsync(Session? session, string access, string objectType, string objectName, string userName, CancellationToken cancellationToken)
    {
        _logger.AccessDenied(access, objectType, objectName, userName, session?.Id ?? 0);
        var entries = OnAccessDenied.Snapshot;
        if (entries.Length == 0)
        {
            return default;
        }

        return RunLinkedAsync(entries, null, session, TriggerListNames.AccessDenied, SinkFor(TriggerListNames.AccessDenied), cancellationToken, (s, t) => new AccessDeniedTriggerContext(s, access, objectType, objectName, userName, t));
    }

    /// <summary>Fires <c>on_access_denied</c> from a synchronous caller: triggers that go async finish in the background.</summary>
    private void FireAccessDenied(Session? session, string access, string objectType, string objectName, string userName)
    {
        Detach(FireAccessDeniedAsync(session, access, objectType, objectName, userName, CancellationToken.None));
    }

    /// <summary>Runs with the trigger token (the caller's linked with shutdown) and disposes the link when the run ends.</summary>
    private ValueTask RunLinkedAsync<TContext>(
        TriggerEntry<TContext>[] entries,
        AmbientContext? ambient,
        Session? session,
        string listName,
        ITriggerErrorSink? sink,
        CancellationToken cancellationToken,
        Func<Session?, CancellationToken, TContext> makeContext)
    {
        var token = TriggerToken(cancellationToken, out var linked);
        if (linked is null)
        {
            // The common case (the caller's token cannot be cancelled): nothing to dispose, so no handler either.
            return RunTriggersAsync(entries, ambient, session, listName, sink, token, makeContext);
        }

        ValueTask pending;
        try
        {
            pending = RunTriggersAsync(entries, ambient, session, listName, sink, token, makeContext);
        }
        catch
        {
            linked.Dispose();
            throw;
        }

        return Finish(pending, linked);
    }

    private ValueTask RunTriggersAsync<TContext>(
        TriggerEntry<TContext>[] entries,
        AmbientContext? ambient,
        Session? session,
        string listName,
        ITriggerErrorSink? sink,
        CancellationToken cancellationToken,
        Func<Session?, CancellationToken, TContext> makeContext)
    {
        if (session is not null && _logger.IsEnabled(LogLevel.Critical))
        {
            // A logging scope is an AsyncLocal too; only an async method keeps it from leaking into the caller.
            return RunWithLogScopeAsync(entries, ambient, session, listName, sink, cancellationToken, makeContext);
        }

        var start = _metrics.TriggerDurationEnabled ? _time.GetTimestamp() : NotMeasured;
        var previous = _ambient.Value;
        ValueTask pending;
        try
        {
            // Set for the synchronous part of the run only. A trigger that goes async captured this context in its
            // ExecutionContext, and so did the runner's continuation, so the rest of the run still sees it.
            if (ambient is not null)
            {
                _ambient.Value = ambient;
            }

            pending = TriggerRunner.RunAsync(entries, makeContext(session, cancellationToken), sink);
        }
        finally
        {
            // Always restored, even when the run did not set it: a trigger that enters a scope and never leaves it
            // must not leak that scope into the caller (the async path below is contained by its own method). The
            // setter itself returns early when the value is unchanged, so no read is needed first.
            _ambient.Value = previous;
        }

        if (pending.IsCompletedSuccessfully)
        {
            pending.GetAwaiter().GetResult();
            RecordDuration(start, listName);
            return default;
        }

        return AwaitTriggersAsync(pending, start, listName);
    }

    private async ValueTask RunWithLogScopeAsync<TContext>(
        TriggerEntry<TContext>[] entries,
        AmbientContext? ambient,
        Session session,
        string listName,
        ITriggerErrorSink? sink,
        CancellationToken cancellationToken,
        Func<Session?, CancellationToken, TContext> makeContext)
    {
        var extras = session.Extras;
        using var scope = _logger.BeginScope(extras.LogScope ??= new SessionLogScope(session));
        var start = _metrics.TriggerDurationEnabled ? _time.GetTimestamp() : NotMeasured;
        if (ambient is not null)
        {
            _ambient.Value = ambient;
        }

        await TriggerRunner.RunAsync(entries, makeContext(session, cancellationToken), sink).ConfigureAwait(false);
        RecordDuration(start, listName);
    }

    private async ValueTask AwaitTriggersAsync(ValueTask pending, long start, string listName)
    {
        await pending.ConfigureAwait(false);
        RecordDuration(start, listName);
    }

    private void RecordDuration(long start, string listName)
    {
        if (start != NotMeasured)
        {
            _metrics.TriggerDuration(listName, _time.GetElapsedTime(start));
        }
    }

    /// <summary>The token triggers receive: the caller's linked with shutdown when it can be cancelled, else shutdown's own.</summary>
    private CancellationToken TriggerToken(CancellationToken cancellationToken, out CancellationTokenSource? linked)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            linked = null;
            return _shutdownSource.Token;
        }

        linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _shutdownSource.Token);
        return linked.Token;
    }

    private static ValueTask Finish(ValueTask pending, CancellationTokenSource linked)
    {
        if (pending.IsCompleted)
        {
            linked.Dispose();
            return pending;
        }

        return DisposeAfterAsync(pending, linked);

        static async ValueTask DisposeAfterAsync(ValueTask pending, CancellationTokenSource linked)
        {
            using (linked)
            {
                await pending.ConfigureAwait(false);
            }
        }
    }

    /// <summary>Logs the errors of runs that go on past failing triggers, naming the list, the trigger and the session.</summary>
    private sealed class TriggerErrorSink(ILogger logger, string listName) : ITriggerErrorSink
    {
        public void OnTriggerFailed<TContext>(TContext context, string triggerName, Exception exception)
        {
            // Boxing here is fine: this is the failure path.
            object? boxed = context;
            var sessionId = boxed switch
            {
                SessionTriggerContext c => c.Session.Id,
                ResourceBindContext c => c.Session.Id,
                UserPresenceContext c => c.Session.Id,
                SessionEvictedContext c => c.Evicted.Id,
                SessionClosingContext c => c.Session.Id,
                AccessDeniedTriggerContext c => c.Session?.Id ?? 0,
                _ => 0UL,
            };
            logger.TriggerFailed(listName, triggerName, sessionId, exception);
        }
    }
}
