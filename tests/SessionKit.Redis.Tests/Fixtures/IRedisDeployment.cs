using StackExchange.Redis;

namespace SessionKit.Redis.Tests.Fixtures;

/// <summary>What the nodes connect to: a single redis-server or a Redis Cluster, with a client of the test's own.</summary>
public interface IRedisDeployment : IAsyncDisposable
{
    /// <summary>Gets the StackExchange.Redis configuration string the nodes use.</summary>
    string Configuration { get; }

    /// <summary>Gets the test's own client (admin commands allowed).</summary>
    ConnectionMultiplexer Client { get; }

    /// <summary>Gets the test client's database.</summary>
    IDatabase Db { get; }
}
