namespace SessionKit.Internal;

/// <summary>
/// Trigger runs for a live session that may be closed and destroyed while its triggers await
/// (<c>on_session_closing</c>, resource binds, the presence events of a user change). The run holds a reference, as a
/// request scope does, so destroy waits for it and the session stays current across awaits; a session already being
/// destroyed runs as a tombstone. <c>on_disconnect</c> needs none of this: destroy already waits for it.
/// </summary>
internal sealed class HoldingRuns(TriggerDispatcher dispatcher, SessionDestroyer destroyer)
{
    /// <summary>Runs <paramref name="list"/> for <paramref name="session"/> holding a reference for the whole run.</summary>
    public ValueTask RunAsync<TContext>(
        TriggerList<TContext> list,
        Session session,
        string listName,
        bool continueOnError,
        CancellationToken cancellationToken,
        Func<Session?, CancellationToken, TContext> makeContext)
    {
        if (list.Count == 0)
        {
            return default;
        }

        if (!session.TryAcquireLive())
        {
            return dispatcher.RunForTombstoneAsync(list, session, session.User, listName, cancellationToken, makeContext, continueOnError);
        }

        ValueTask pending;
        try
        {
            pending = dispatcher.RunForSessionAsync(list, session, listName, continueOnError, cancellationToken, makeContext);
        }
        catch
        {
            destroyer.Release(session);
            throw;
        }

        if (pending.IsCompleted)
        {
            destroyer.Release(session);
            return pending;
        }

        return ReleaseAfterAsync(pending, session);
    }

    private async ValueTask ReleaseAfterAsync(ValueTask running, Session held)
    {
        try
        {
            await running.ConfigureAwait(false);
        }
        finally
        {
            destroyer.Release(held);
        }
    }
}
