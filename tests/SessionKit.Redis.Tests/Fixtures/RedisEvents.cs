using System.Collections.Concurrent;
using SessionKit.Redis.Internal;
using StackExchange.Redis;

namespace SessionKit.Redis.Tests.Fixtures;

/// <summary>The test's own subscription to the directory's events channel: every event line, in publication order.</summary>
public sealed class RedisEvents
{
    private readonly ConcurrentQueue<string> _lines = new();

    private RedisEvents()
    {
    }

    public IReadOnlyList<string> Lines => [.. _lines];

    public static async Task<RedisEvents> SubscribeAsync(IRedisDeployment redis)
    {
        var events = new RedisEvents();
        // A message queue, not a handler: handlers may run concurrently, a queue delivers in publication order.
        var queue = await redis.Client.GetSubscriber().SubscribeAsync(new RedisKeys("sk").Events);
        queue.OnMessage(message => events._lines.Enqueue((string)message.Message!));
        return events;
    }

    /// <summary>Gets the bind (<c>b</c>) and release (<c>u</c>) events of one resource, in order, with their holder field.</summary>
    public IReadOnlyList<(char Kind, string Holder)> ResourceHistory(string user, string resource)
    {
        var prefix = RedisKeys.Tag(null, user) + "|" + resource + "|";
        return Lines.Where(l => l[0] is 'b' or 'u' && l[2..].StartsWith(prefix, StringComparison.Ordinal))
            .Select(l => (l[0], l[(2 + prefix.Length)..]))
            .ToArray();
    }
}
