using System.Globalization;
using System.Text.Json;

namespace SessionKit.Redis.TestNode;

/// <summary>The commands a test sends: each line is <c>id command args</c>, answered by <c>= id result</c> (or <c>= id ERR ...</c>).</summary>
internal sealed class NodeCommands(SessionManager manager, RedisSessionDirectory directory, InMemoryUserDirectory users, NodeOutput output)
{
    private readonly Lock _usersLock = new();

    public async Task RunAsync(string id, string command, string args)
    {
        string result;
        try
        {
            result = await RunCoreAsync(command, args);
        }
        catch (Exception ex)
        {
            result = $"ERR {ex.GetType().Name} {(ex as ResourceBindException)?.Condition} {ex.Message.ReplaceLineEndings(" ")}";
        }

        output.Answer(id, result);
    }

    private async Task<string> RunCoreAsync(string command, string args)
    {
        var a = args.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        switch (command)
        {
            case "connect":
            {
                var connection = new RecordingConnection(output);
                var session = await manager.ConnectAsync(new ConnectOptions { AuthenticatedUser = User(a[0]), Connection = connection });
                connection.Id = session.Id;
                return session.Id.ToString(CultureInfo.InvariantCulture);
            }

            case "login":
            {
                var user = User(a[0]);
                var connection = new RecordingConnection(output);
                var session = await manager.ConnectAsync(new ConnectOptions { Connection = connection });
                connection.Id = session.Id;
                try
                {
                    await manager.AuthenticateAsync(session, user.Name, "pw");
                }
                catch
                {
                    await session.CloseAsync();
                    throw;
                }

                return session.Id.ToString(CultureInfo.InvariantCulture);
            }

            case "changeuser":
            {
                // ChangeUser inside a request of the session, as a host's command handler would call it.
                var session = manager.GetSession(ulong.Parse(a[0], CultureInfo.InvariantCulture));
                var target = User(a[1]);
                using (manager.Enter(session))
                {
                    manager.ChangeUser(target.Name);
                }

                return a[1];
            }

            case "bind":
                return await manager.Users.BindResourceAsync(manager.GetSession(ulong.Parse(a[0], CultureInfo.InvariantCulture)), a[1]);
            case "close":
                await manager.GetSession(ulong.Parse(a[0], CultureInfo.InvariantCulture)).CloseAsync(SessionCloseReason.ClientDisconnected);
                return "ok";
            case "presence":
            {
                var session = manager.GetSession(ulong.Parse(a[0], CultureInfo.InvariantCulture));
                session.Priority = int.Parse(a[1], CultureInfo.InvariantCulture);
                session.IsAvailable = a[2] == "1";
                session.IsInterested = a[3] == "1";
                return "ok";
            }

            case "sessions":
                return JsonSerializer.Serialize(manager.GetSessions().Where(s => s.State == SessionState.Open && s.User.Name != "guest")
                    .Select(s => new LocalSession(s.Id, s.User.Name, s.Resource)).ToArray());
            case "send":
            {
                var count = a[0] switch
                {
                    "all" => await directory.SendToAllAsync(a[1], a[2]),
                    "interested" => await directory.SendToInterestedAsync(a[1], a[2]),
                    _ => await directory.SendToAvailableAsync(a[1], a[2]),
                };
                return count.ToString(CultureInfo.InvariantCulture);
            }

            case "kick":
                return (await directory.KickAsync(new ClusterSessionId(a[0], 0, ulong.Parse(a[1], CultureInfo.InvariantCulture)))).ToString();
            case "kickuser":
                return (await directory.CloseUserSessionsAsync(a[0])).ToString(CultureInfo.InvariantCulture);
            case "online":
                return (await directory.IsOnlineAsync(a[0])).ToString();
            case "info":
                return $"{directory.NodeName} {directory.Incarnation} {directory.Status}";
            default:
                return "ERR unknown command";
        }
    }

    private SessionUser User(string name)
    {
        lock (_usersLock)
        {
            return users.TryFindUser(name, out var user) ? user : users.AddUser(name, "pw");
        }
    }

    private sealed record LocalSession(ulong Id, string User, string? Resource);
}
