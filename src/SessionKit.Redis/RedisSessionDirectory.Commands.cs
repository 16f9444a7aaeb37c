using SessionKit.Redis.Internal;

namespace SessionKit.Redis;

/// <summary>Cluster-wide commands: kicks, closes and sends to sessions wherever they are, with exact counts.</summary>
public sealed partial class RedisSessionDirectory
{
    /// <summary>Closes one session on whichever node holds it.</summary>
    /// <param name="id">The session.</param>
    /// <param name="reason">The reason; <see cref="SessionCloseReason.Kicked"/> when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the wait for the answer.</param>
    /// <returns><see langword="true"/> when the session was open and is closed now; <see langword="false"/> when it was not open, or its node did not answer within <see cref="RedisDirectoryOptions.CommandTimeout"/>.</returns>
    public async Task<bool> KickAsync(ClusterSessionId id, SessionCloseReason? reason = null, CancellationToken cancellationToken = default)
    {
        reason ??= SessionCloseReason.Kicked;
        if (id.Node == _options.NodeName)
        {
            return await CloseLocalAsync(id.LocalId, reason).ConfigureAwait(false);
        }

        var frame = new InboxFrame(InboxCommand.Kick, Inbox, 0) { LocalId = id.LocalId, Condition = reason.Condition, Text = reason.Text };
        return await RequestAsync(id.Node, frame, cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Closes every session of a user on every node.</summary>
    /// <param name="user">The user name.</param>
    /// <param name="reason">The reason; <see cref="SessionCloseReason.Kicked"/> when <see langword="null"/>.</param>
    /// <param name="host">The host, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the wait for the answers.</param>
    /// <returns>How many sessions were closed (nodes that did not answer in time count nothing).</returns>
    public async Task<int> CloseUserSessionsAsync(string user, SessionCloseReason? reason = null, string? host = null, CancellationToken cancellationToken = default)
    {
        reason ??= SessionCloseReason.Kicked;
        var frame = new InboxFrame(InboxCommand.CloseUser, Inbox, 0) { User = user, Host = host, Condition = reason.Condition, Text = reason.Text };
        return await FanOutAsync(user, host, frame, () => Manager.Admin.CloseUserSessionsAsync(user, reason, null, host, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends to every open session of a user on every node.</summary>
    /// <param name="user">The user name.</param>
    /// <param name="message">The message; serialized by <see cref="RedisDirectoryOptions.MessageSerializer"/> for other nodes.</param>
    /// <param name="host">The host, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>How many sessions took it (each node counts as its <see cref="UserSessions.SendToAllAsync"/> does).</returns>
    public Task<int> SendToAllAsync(string user, object message, string? host = null, CancellationToken cancellationToken = default) =>
        SendAsync(user, message, host, SendMode.All, cancellationToken);

    /// <summary>Sends to the interested sessions of a user on every node.</summary>
    /// <param name="user">The user name.</param>
    /// <param name="message">The message.</param>
    /// <param name="host">The host, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>How many sessions took it.</returns>
    public Task<int> SendToInterestedAsync(string user, object message, string? host = null, CancellationToken cancellationToken = default) =>
        SendAsync(user, message, host, SendMode.Interested, cancellationToken);

    /// <summary>
    /// Sends to a user's available sessions with the highest non-negative priority across every node (found first, one
    /// question per node holding the user's sessions, then sent).
    /// </summary>
    /// <param name="user">The user name.</param>
    /// <param name="message">The message.</param>
    /// <param name="host">The host, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>How many sessions took it.</returns>
    public async Task<int> SendToAvailableAsync(string user, object message, string? host = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(message);
        var nodes = await NodesOfAsync(user, host).ConfigureAwait(false);
        var top = -1L;
        var asks = nodes.Select(node => node == _options.NodeName
            ? Task.FromResult((long)TopPriorityLocal(user, host))
            : RequestAsync(node, new InboxFrame(InboxCommand.TopPriority, Inbox, 0) { User = user, Host = host }, cancellationToken).AsTask());
        foreach (var answer in await Task.WhenAll(asks).ConfigureAwait(false))
        {
            top = Math.Max(top, answer);
        }

        return top < 0 ? 0 : await SendAsync(user, message, host, SendMode.AvailableAt, cancellationToken, (int)top).ConfigureAwait(false);
    }

    private async Task<int> SendAsync(string user, object message, string? host, SendMode mode, CancellationToken cancellationToken, int priority = 0)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(message);
        byte[]? payload = null;
        InboxFrame Frame() => new(InboxCommand.Send, Inbox, 0) { User = user, Host = host, Mode = (byte)mode, Priority = priority, Payload = payload ??= _options.MessageSerializer.Serialize(message) };
        return await FanOutAsync(user, host, Frame(), () => SendLocalAsync(user, host, mode, priority, message, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a command on every node holding the user's sessions (locally without Redis) and sums the answers.</summary>
    private async Task<int> FanOutAsync(string user, string? host, InboxFrame frame, Func<ValueTask<int>> local, CancellationToken cancellationToken)
    {
        var nodes = await NodesOfAsync(user, host).ConfigureAwait(false);
        var answers = nodes.Select(async node => node == _options.NodeName
            ? await local().ConfigureAwait(false)
            : Math.Max(0, await RequestAsync(node, frame, cancellationToken).ConfigureAwait(false)));
        return (int)(await Task.WhenAll(answers).ConfigureAwait(false)).Sum(static n => (long)n);
    }

    private async Task<HashSet<string>> NodesOfAsync(string user, string? host)
    {
        var fields = await Db.HashKeysAsync(_keys.User(RedisKeys.Tag(host, user))[0]).ConfigureAwait(false);
        var nodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in fields)
        {
            nodes.Add(ParseField((string)field!).Node);
        }

        return nodes;
    }

    private async ValueTask<int> SendLocalAsync(string user, string? host, SendMode mode, int priority, object message, CancellationToken cancellationToken)
    {
        var sessions = Manager.Users.SessionsOf(user, host).Where(s => s.State == SessionState.Open && mode switch
        {
            SendMode.Interested => s.IsInterested,
            SendMode.AvailableAt => s.IsAvailable && s.Priority == priority,
            _ => true,
        });
        return await Manager.Users.SendToSessionsAsync(sessions, message, cancellationToken).ConfigureAwait(false);
    }

    private int TopPriorityLocal(string user, string? host)
    {
        var top = -1;
        foreach (var session in Manager.Users.SessionsOf(user, host))
        {
            if (session.State == SessionState.Open && session.IsAvailable && session.Priority > top)
            {
                top = session.Priority;
            }
        }

        return top;
    }
}
