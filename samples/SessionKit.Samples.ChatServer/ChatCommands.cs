using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace SessionKit.Samples.ChatServer;

/// <summary>
/// The line protocol. Each call runs inside the caller's request scope (<c>sessions.Enter</c>), so the ambient
/// properties of <see cref="SessionManager"/> answer for the calling connection. Every command answers with one line
/// starting with <c>ok</c> or <c>error</c>; a malformed line never drops the connection.
/// </summary>
public sealed class ChatCommands
{
    /// <summary>The command summary sent with the welcome line and with unknown commands.</summary>
    public const string Help = "commands: auth USER PASS, whoami, su USER CMD..., set KEY VALUE, get KEY, who, say TEXT, quit";

    private const int MaxKeys = 64;
    private const int MaxKeyLength = 64;
    private const int MaxSuDepth = 4;

    private readonly SessionManager _sessions;
    private readonly SessionKit.Redis.RedisSessionDirectory? _cluster;

    /// <summary>Initializes a new instance of the <see cref="ChatCommands"/> class.</summary>
    /// <param name="sessions">The session manager.</param>
    /// <param name="cluster">The cluster directory when the server runs with <c>--redis</c>; <c>who</c> then lists every node.</param>
    public ChatCommands(SessionManager sessions, SessionKit.Redis.RedisSessionDirectory? cluster = null)
    {
        _sessions = sessions;
        _cluster = cluster;
    }

    /// <summary>Runs one line and writes its answer.</summary>
    /// <param name="session">The caller's session (also the current one).</param>
    /// <param name="connection">Where the answer goes.</param>
    /// <param name="line">The line, without its line break.</param>
    /// <returns><see langword="true"/> when the client asked to quit.</returns>
    public async Task<bool> ExecuteAsync(Session session, ChatConnection connection, string line)
    {
        string reply;
        var quit = false;
        try
        {
            (reply, quit) = await RunAsync(session, line.Replace('\t', ' '), depth: 0);
        }
        catch (Exception ex) when (ex is not (IOException or SocketException or ObjectDisposedException or OperationCanceledException))
        {
            // Refused authentication, Su, a bad name... reported to the client, never fatal to the connection.
            reply = "error " + Describe(ex);
        }

        await connection.WriteLineAsync(reply);
        return quit;
    }

    private async Task<(string Reply, bool Quit)> RunAsync(Session session, string line, int depth)
    {
        if (line.Any(char.IsControl))
        {
            return ("error control characters are not allowed", false);
        }

        var (command, rest) = Split(line);
        switch (command.ToLowerInvariant())
        {
            case "auth":
                var (name, password) = Split(rest);
                if (name.Length == 0 || password.Length == 0)
                {
                    return ("error usage: auth USER PASS", false);
                }

                var user = await _sessions.AuthenticateAsync(session, name, password);
                return ($"ok authenticated as {user.Name}", false);

            case "whoami":
                return (string.Create(
                    CultureInfo.InvariantCulture,
                    $"ok id={_sessions.Id} user={_sessions.User} effective={_sessions.EffectiveUser} type={_sessions.Type} peer={_sessions.Peer() ?? "-"} sync={_sessions.Sync}"),
                    false);

            case "su":
                var (target, inner) = Split(rest);
                if (target.Length == 0 || inner.Length == 0)
                {
                    return ("error usage: su USER CMD...", false);
                }

                if (depth >= MaxSuDepth)
                {
                    return ($"error su nests at most {MaxSuDepth} deep", false);
                }

                // The effective user changes for this command only; sessions.User stays who authenticated.
                using (_sessions.Su(target))
                {
                    return await RunAsync(session, inner, depth + 1);
                }

            case "set":
                var (key, value) = Split(rest);
                if (key.Length == 0 || value.Length == 0)
                {
                    return ("error usage: set KEY VALUE", false);
                }

                if (key.Length > MaxKeyLength)
                {
                    return ($"error keys are at most {MaxKeyLength} characters", false);
                }

                var storage = _sessions.Storage;
                if (storage.Count >= MaxKeys && !storage.TryGet<string>(key, out _))
                {
                    return ($"error storage is full ({MaxKeys} keys)", false);
                }

                storage.Set(key, value);
                return ($"ok set {key}", false);

            case "get":
                var (wanted, extra) = Split(rest);
                if (wanted.Length == 0 || extra.Length != 0)
                {
                    return ("error usage: get KEY", false);
                }

                return _sessions.Storage.TryGet<string>(wanted, out var found)
                    ? ($"ok {wanted}={found}", false)
                    : ($"error {wanted} is not set", false);

            case "who":
                return (_cluster is null ? Who(session) : await ClusterWho.DescribeAsync(_cluster, session), false);

            case "say":
                if (rest.Length == 0)
                {
                    return ("error usage: say TEXT", false);
                }

                var delivered = await BroadcastAsync($"message {_sessions.EffectiveUser}: {rest}");
                return (string.Create(CultureInfo.InvariantCulture, $"ok delivered to {delivered} sessions"), false);

            case "quit":
                return ("ok bye", true);

            default:
                return ($"error unknown command '{Shorten(command)}'; {Help}", false);
        }
    }

    private string Who(Session caller)
    {
        var text = new StringBuilder("ok who:");
        foreach (var session in _sessions.GetSessions())
        {
            text.Append(CultureInfo.InvariantCulture, $" #{session.Id} {session.User.Name} {session.Peer ?? "-"}");
            if (session.State != SessionState.Open)
            {
                text.Append(" closing");
            }

            if (ReferenceEquals(session, caller))
            {
                text.Append(" (you)");
            }

            text.Append(';');
        }

        return text.ToString().TrimEnd(';');
    }

    // SessionKit fans out concurrently and bounds each send by SessionManagerOptions.SendTimeout: a client that stopped
    // reading is not counted, is closed as a slow consumer, and never holds up the others or the speaker.
    private async Task<int> BroadcastAsync(string message) =>
        await _sessions.Users.SendToSessionsAsync(_sessions.GetSessions(), message);

    private static (string Head, string Tail) Split(string text)
    {
        text = text.Trim();
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (text, string.Empty) : (text[..space], text[(space + 1)..].Trim());
    }

    private static string Describe(Exception ex) => ex is ArgumentException { ParamName: { } name } argument
        ? argument.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal)
        : ex.Message;

    private static string Shorten(string text) => text.Length <= 32 ? text : text[..32] + "...";
}
