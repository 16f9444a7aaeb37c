using SessionKit.Benchmarks.Support;
using SessionKit.Redis;

namespace SessionKit.Benchmarks.Redis;

/// <summary>One in-process cluster node: a manager with a Redis directory and a fast user directory.</summary>
internal sealed class BenchNode : IAsyncDisposable
{
    private BenchNode(SessionManager manager, RedisSessionDirectory directory, BenchUsers users)
    {
        Manager = manager;
        Directory = directory;
        Users = users;
    }

    public SessionManager Manager { get; }

    public RedisSessionDirectory Directory { get; }

    public BenchUsers Users { get; }

    public static Task<BenchNode> StartAsync(string endpoint, string name, string[] users)
    {
        var directory = new RedisSessionDirectory(new RedisDirectoryOptions { Configuration = endpoint, NodeName = name, LeaseDuration = TimeSpan.FromSeconds(60) });
        var fast = new FastUserDirectory(users);
        var manager = new SessionManager(new SessionManagerOptions { SessionDirectory = directory }, fast);
        return Task.FromResult(new BenchNode(manager, directory, new BenchUsers(fast)));
    }

    public async ValueTask DisposeAsync()
    {
        await Manager.DisposeAsync();
        await Directory.DisposeAsync();
    }
}
