using Microsoft.Extensions.Logging;
using SessionKit.Internal;

namespace SessionKit;

/// <content>Trigger runs for a session that may be closed or destroyed while its triggers await: the run either holds the session (a reference, as a request scope) or carries a holder of its own.</content>
public sealed partial class SessionManager
{
    /// <summary>
    /// Runs a list for a live session that may be closed and destroyed while its triggers await
    /// (<c>on_session_closing</c>, resource binds, the presence events of a user change). The run holds a reference, as
    /// a request scope does, so destroy waits for it and <see cref="Current"/> stays the session across awaits; a
    /// session already being destroyed runs as a tombstone. <c>on_disconnect</c> needs none of this: destroy already
    /// waits for it.
    /// </summary>
    private ValueTask RunHoldingSessionAsync<TContext>(
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
            return RunForTombstoneAsync(list, session, session.User, listName, cancellationToken, makeContext, continueOnError);
        }

        ValueTask pending;
        try
        {
            pending = RunForSessionAsync(list, session, listName, continueOnError, cancellationToken, makeContext);
        }
        catch
        {
            ReleaseRun(session);
            throw;
        }

        if (pending.IsCompleted)
        {
            ReleaseRun(session);
            return pending;
        }

        return ReleaseAfterAsync(pending, session);

        async ValueTask ReleaseAfterAsync(ValueTask running, Session held)
        {
            try
            {
                await running.ConfigureAwait(false);
            }
            finally
            {
                ReleaseRun(held);
            }
        }
    }

    /// <summary>Gives back a trigger run's reference; the last one out destroys a closed session.</summary>
    private void ReleaseRun(Session session)
    {
        if (session.Release())
        {
            Destroy(session);
        }
    }

    /// <summary>
    /// Runs a list for a session that is destroyed, or may be before the run ends (on_user_offline from destroy,
    /// on_session_evicted): the session's own holder is detached at destroy, so the run gets a holder of its own that
    /// keeps <see cref="Current"/> for the whole run, across awaits, and is detached when the run ends, so tasks the
    /// triggers leave behind see no session afterwards, as for any destroyed session.
    /// </summary>
    private ValueTask RunForTombstoneAsync<TContext>(
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
        var ambient = new AmbientContext(holder, 0, _admin, null, holdsRequest: false);
        var pending = RunLinkedAsync(entries, ambient, session, listName, continueOnError ? SinkFor(listName) : null, cancellationToken, makeContext);
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
}
