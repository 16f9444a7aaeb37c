using Microsoft.Extensions.Logging;
using SessionKit.Redis.Internal;
using StackExchange.Redis;

namespace SessionKit.Redis;

/// <summary>The node inbox: commands to other nodes with their answers, and this node's handling of theirs.</summary>
public sealed partial class RedisSessionDirectory
{
    /// <summary>Sends a command without waiting for an answer; returns whether a node was subscribed to take it.</summary>
    private async ValueTask<bool> PostAsync(string node, InboxFrame frame)
    {
        try
        {
            return await Bus.PublishAsync(_keys.Inbox(node), frame.Write()).ConfigureAwait(false) > 0;
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            return false;
        }
    }

    /// <summary>
    /// Sends a command and waits for its answer, at most <see cref="RedisDirectoryOptions.CommandTimeout"/>. Returns -1
    /// when no node took it (the node is gone: its lease runs out and a sweep cleans up) or it did not answer in time.
    /// </summary>
    private async ValueTask<long> RequestAsync(string node, InboxFrame frame, CancellationToken cancellationToken)
    {
        var correlation = Interlocked.Increment(ref _correlation);
        var answer = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[correlation] = answer;
        try
        {
            if (!await PostAsync(node, frame with { ReplyTo = Inbox, Correlation = correlation }).ConfigureAwait(false))
            {
                return -1;
            }

            return await answer.Task.WaitAsync(_options.CommandTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _logger.NoAnswer(node, frame.Command, _options.CommandTimeout);
            return -1;
        }
        finally
        {
            _pending.TryRemove(correlation, out _);
        }
    }

    private void OnInbox(RedisValue value)
    {
        InboxFrame frame;
        try
        {
            frame = InboxFrame.Read((byte[])value!);
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or ArgumentException)
        {
            _logger.MalformedFrame(ex);
            return;
        }

        if (frame.Command == InboxCommand.Reply)
        {
            if (_pending.TryGetValue(frame.Correlation, out var answer))
            {
                answer.TrySetResult(frame.Value);
            }

            return;
        }

        // Each command runs on its own: a close can take CloseTimeout, and must not hold up the next command.
        _ = Task.Run(() => HandleAsync(frame));
    }

    private async Task HandleAsync(InboxFrame frame)
    {
        long value;
        try
        {
            value = frame.Command switch
            {
                InboxCommand.Kick => await CloseLocalAsync(frame.LocalId, new SessionCloseReason(frame.Condition, frame.Text)).ConfigureAwait(false) ? 1 : 0,
                InboxCommand.Evict => await EvictLocalAsync(frame.LocalId).ConfigureAwait(false) ? 1 : 0,
                InboxCommand.Replace => await ReplaceLocalAsync(frame).ConfigureAwait(false),
                InboxCommand.CloseUser => await Manager.Admin.CloseUserSessionsAsync(frame.User, new SessionCloseReason(frame.Condition, frame.Text), null, frame.Host).ConfigureAwait(false),
                InboxCommand.Send => await SendLocalAsync(frame.User, frame.Host, (SendMode)frame.Mode, frame.Priority, _options.MessageSerializer.Deserialize(frame.Payload), CancellationToken.None).ConfigureAwait(false),
                InboxCommand.TopPriority => TopPriorityLocal(frame.User, frame.Host),
                _ => -1,
            };
        }
        catch (Exception ex)
        {
            _logger.CommandFailed(frame.Command, ex);
            value = -1;
        }

        if (frame.ReplyTo.Length != 0)
        {
            try
            {
                await Bus.PublishAsync(RedisChannel.Sharded(frame.ReplyTo), new InboxFrame(InboxCommand.Reply, string.Empty, frame.Correlation) { Value = value }.Write()).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsUnavailable(ex))
            {
                // The requester times out.
            }
        }
    }

    private async ValueTask<bool> CloseLocalAsync(ulong id, SessionCloseReason reason)
    {
        if (!Manager.TryGetSession(id, out var session) || session.State != SessionState.Open)
        {
            return false;
        }

        await session.CloseAsync(reason).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// EvictOldest decided on another node. A session connecting with a pre-authenticated user is not looked up until
    /// its connect publishes it, which comes after its admission: an eviction that arrives first is remembered, and
    /// that admission then reports the session as refused (it lost its place before it had it).
    /// </summary>
    private async ValueTask<bool> EvictLocalAsync(ulong id)
    {
        if (Manager.TryGetSession(id, out _))
        {
            return await CloseLocalAsync(id, SessionCloseReason.SessionLimitReached).ConfigureAwait(false);
        }

        if (_earlyEvictions.Count > 10_000)
        {
            // Ids of sessions destroyed just before their eviction arrived: never claimed, so dropped in bulk.
            _earlyEvictions.Clear();
        }

        _earlyEvictions[id] = 0;
        return false;
    }

    /// <summary>
    /// KickOld from another node: closes the holder with Replaced (its close releases the resource), then makes sure
    /// the release is in Redis before answering, so the binder's next claim comes after it.
    /// </summary>
    private async ValueTask<long> ReplaceLocalAsync(InboxFrame frame)
    {
        var tag = frame.User;
        var field = $"{_options.NodeName}|{frame.LocalId}";
        if (Manager.TryGetSession(frame.LocalId, out var session) && session.State == SessionState.Open)
        {
            await session.CloseAsync(SessionCloseReason.Replaced).ConfigureAwait(false);
            await Db.ScriptEvaluateAsync(UserScripts.Release, _keys.User(tag), [field, frame.Resource, tag, _events]).ConfigureAwait(false);
        }
        else
        {
            // Gone already (its leave may be queued or lost): the entry is stale, remove it as the leave would.
            await ReleaseStaleAsync(tag, field).ConfigureAwait(false);
        }

        return 1;
    }
}
