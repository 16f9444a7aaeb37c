using System.Text;
using StackExchange.Redis;

namespace SessionKit.Redis.Internal;

/// <summary>
/// The key layout (docs/cluster.md). A user's keys share one hash tag, <c>{host/user}</c> with <c>%</c>, <c>{</c>,
/// <c>}</c>, <c>/</c> and <c>|</c> percent-escaped, so each per-user script touches one Redis Cluster slot whatever the name.
/// </summary>
internal sealed class RedisKeys(string prefix)
{
    /// <summary>Gets the prefix every key and channel starts with.</summary>
    public string Prefix { get; } = prefix;

    /// <summary>Gets the node leases: a sorted set of <c>node|incarnation</c> scored by lease expiry (server ms).</summary>
    public RedisKey Nodes => $"{Prefix}:{{nodes}}:leases";

    /// <summary>Gets the last server time any node renewed or swept at (stall detection).</summary>
    public RedisKey Clock => $"{Prefix}:{{nodes}}:clock";

    /// <summary>Gets the dead incarnations being swept, scored by when a sweeper claimed them (a sweeper that dies is replaced after a lease).</summary>
    public RedisKey Sweeping => $"{Prefix}:{{nodes}}:sweeping";

    /// <summary>Gets the keys every node script takes.</summary>
    public RedisKey[] NodeKeys => [Nodes, Clock, Incarnations, Sweeping];

    /// <summary>Gets the incarnation counters, node → last incarnation.</summary>
    public RedisKey Incarnations => $"{Prefix}:{{nodes}}:inc";

    /// <summary>Gets the cluster-wide presence and resource events channel (classic pub/sub: scripts publish to it).</summary>
    public RedisChannel Events => RedisChannel.Literal($"{Prefix}:events");

    /// <summary>Escapes a user's host and name into its hash tag content.</summary>
    public static string Tag(string? host, string user) => Escape(host ?? string.Empty) + "/" + Escape(user);

    /// <summary>Splits a tag back into host (null when empty) and user.</summary>
    public static (string? Host, string User) Untag(string tag)
    {
        var slash = tag.IndexOf('/', StringComparison.Ordinal);
        var host = Uri.UnescapeDataString(tag[..slash]);
        return (host.Length == 0 ? null : host, Uri.UnescapeDataString(tag[(slash + 1)..]));
    }

    /// <summary>Gets the four keys of a user: sessions (hash), age order (sorted set), resources (hash), sequence.</summary>
    public RedisKey[] User(string tag) => [$"{Prefix}:{{{tag}}}:s", $"{Prefix}:{{{tag}}}:o", $"{Prefix}:{{{tag}}}:r", $"{Prefix}:{{{tag}}}:n"];

    /// <summary>Gets the set of <c>tag \t field</c> entries a node incarnation registered (what a sweep purges).</summary>
    public RedisKey Members(string node, long incarnation) => $"{Prefix}:{{m|{node}|{incarnation}}}:members";

    /// <summary>Gets a node's inbox (sharded pub/sub: one slot per node, so a Redis Cluster spreads the inboxes).</summary>
    public RedisChannel Inbox(string node) => RedisChannel.Sharded($"{Prefix}:{{i|{node}}}:inbox");

    private static string Escape(string value)
    {
        if (value.AsSpan().IndexOfAny("%{}/|") < 0)
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            builder.Append(c switch
            {
                '%' => "%25",
                '{' => "%7B",
                '}' => "%7D",
                '/' => "%2F",
                '|' => "%7C",
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }
}
