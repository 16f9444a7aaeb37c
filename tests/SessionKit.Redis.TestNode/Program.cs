using SessionKit;
using SessionKit.Redis;
using SessionKit.Redis.TestNode;

// Arguments: redis-config node-name lease-ms conflict-policy limit limit-policy when-unavailable
var options = new RedisDirectoryOptions
{
    Configuration = args[0],
    NodeName = args[1],
    LeaseDuration = TimeSpan.FromMilliseconds(int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture)),
    CommandTimeout = TimeSpan.FromSeconds(20),
    WhenUnavailable = Enum.Parse<DirectoryUnavailableBehavior>(args[6]),
};
var limit = int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture);
var output = new NodeOutput();
var directory = new RedisSessionDirectory(options);
var users = new InMemoryUserDirectory(InMemoryUserDirectory.MinimumIterations);
var manager = new SessionManager(
    new SessionManagerOptions
    {
        SessionDirectory = directory,
        ResourceConflictPolicy = Enum.Parse<ResourceConflictPolicy>(args[3]),
        MaxSessionsPerUser = limit > 0 ? _ => limit : null,
        SessionLimitPolicy = Enum.Parse<SessionLimitPolicy>(args[5]),
        MaxConcurrentVerifications = 4,

        // Any session may change to any user: the ChangeUser test is about the cluster-wide limit, not the policy.
        SwitchUserPolicy = _ => true,
    },
    users);
directory.UserOnline += (_, e) => output.Event($"online {e.User}");
directory.UserOffline += (_, e) => output.Event($"offline {e.User}");
directory.StatusChanged += (_, status) => output.Event($"status {status}");
var commands = new NodeCommands(manager, directory, users, output);
output.Event($"ready {directory.NodeName} {directory.Incarnation}");
while (Console.In.ReadLine() is { } line)
{
    if (line == "quit")
    {
        break;
    }

    var parts = line.Split(' ', 3);
    _ = Task.Run(() => commands.RunAsync(parts[0], parts[1], parts.Length > 2 ? parts[2] : string.Empty));
}

await manager.DisposeAsync();
await directory.DisposeAsync();
output.Event("stopped");
