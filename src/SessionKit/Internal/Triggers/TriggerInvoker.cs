using Microsoft.Extensions.Logging;

namespace SessionKit.Internal;

/// <summary>
/// Runs a snapshot of a trigger list in a given ambient context: the trigger token (the caller's linked with
/// shutdown), the log scope, the duration metric, and the ambient value set for the run and restored after it.
/// </summary>
internal sealed class TriggerInvoker(AmbientSlot ambient, ManagerLifetime lifetime, SessionMetrics metrics, TimeProvider time, ILogger logger)
{
    // A timestamp no TimeProvider returns: the duration histogram had no listener when the run started.
    private const long NotMeasured = long.MinValue;

    /// <summary>Runs with the trigger token (the caller's linked with shutdown) and disposes the link when the run ends.</summary>
    public ValueTask RunAsync<TContext>(
        TriggerEntry<TContext>[] entries,
        AmbientContext? context,
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
            return RunInContextAsync(entries, context, session, listName, sink, token, makeContext);
        }

        ValueTask pending;
        try
        {
            pending = RunInContextAsync(entries, context, session, listName, sink, token, makeContext);
        }
        catch
        {
            linked.Dispose();
            throw;
        }

        return Finish(pending, linked);
    }

    private ValueTask RunInContextAsync<TContext>(
        TriggerEntry<TContext>[] entries,
        AmbientContext? context,
        Session? session,
        string listName,
        ITriggerErrorSink? sink,
        CancellationToken cancellationToken,
        Func<Session?, CancellationToken, TContext> makeContext)
    {
        if (session is not null && logger.IsEnabled(LogLevel.Critical))
        {
            // A logging scope is an AsyncLocal too; only an async method keeps it from leaking into the caller.
            return RunWithLogScopeAsync(entries, context, session, listName, sink, cancellationToken, makeContext);
        }

        var start = metrics.TriggerDurationEnabled ? time.GetTimestamp() : NotMeasured;
        var previous = ambient.Raw;
        ValueTask pending;
        try
        {
            // Set for the synchronous part of the run only. A trigger that goes async captured this context in its
            // ExecutionContext, and so did the runner's continuation, so the rest of the run still sees it.
            if (context is not null)
            {
                ambient.Raw = context;
            }

            pending = TriggerRunner.RunAsync(entries, makeContext(session, cancellationToken), sink);
        }
        finally
        {
            // Always restored, even when the run did not set it: a trigger that enters a scope and never leaves it
            // must not leak that scope into the caller (the async path below is contained by its own method). The
            // setter itself returns early when the value is unchanged, so no read is needed first.
            ambient.Raw = previous;
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
        AmbientContext? context,
        Session session,
        string listName,
        ITriggerErrorSink? sink,
        CancellationToken cancellationToken,
        Func<Session?, CancellationToken, TContext> makeContext)
    {
        var extras = session.Extras;
        using var scope = logger.BeginScope(extras.LogScope ??= new SessionLogScope(session));
        var start = metrics.TriggerDurationEnabled ? time.GetTimestamp() : NotMeasured;
        if (context is not null)
        {
            ambient.Raw = context;
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
            metrics.TriggerDuration(listName, time.GetElapsedTime(start));
        }
    }

    /// <summary>The token triggers receive: the caller's linked with shutdown when it can be cancelled, else shutdown's own.</summary>
    private CancellationToken TriggerToken(CancellationToken cancellationToken, out CancellationTokenSource? linked)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            linked = null;
            return lifetime.ShutdownToken;
        }

        linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ShutdownToken);
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
}
