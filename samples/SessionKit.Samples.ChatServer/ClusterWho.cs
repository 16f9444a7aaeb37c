using System.Globalization;
using System.Text;
using SessionKit.Redis;

namespace SessionKit.Samples.ChatServer;

/// <summary>The <c>who</c> answer of a cluster node: every authenticated session of every node, from the Redis directory.</summary>
public static class ClusterWho
{
    /// <summary>Lists the cluster's sessions as <c>ok who: node/id user; ...</c>, marking the caller's own.</summary>
    /// <param name="cluster">The directory.</param>
    /// <param name="caller">The calling session.</param>
    /// <returns>The answer line.</returns>
    public static async Task<string> DescribeAsync(RedisSessionDirectory cluster, Session caller)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(caller);
        var text = new StringBuilder("ok who:");
        var sessions = new List<ClusterSession>();
        await foreach (var session in cluster.ListAsync())
        {
            sessions.Add(session);
        }

        foreach (var session in sessions.OrderBy(s => s.Id.Node, StringComparer.Ordinal).ThenBy(s => s.Id.LocalId))
        {
            text.Append(CultureInfo.InvariantCulture, $" {session.Id.Node}/#{session.Id.LocalId} {session.User}");
            if (session.Id.Node == cluster.NodeName && session.Id.LocalId == caller.Id)
            {
                text.Append(" (you)");
            }

            text.Append(';');
        }

        return text.ToString().TrimEnd(';');
    }
}
