using Microsoft.Extensions.Logging;
using SessionKit.Redis.Internal;
using StackExchange.Redis;

namespace SessionKit.Redis;

/// <summary>The events channel: what the scripts published, raised as .NET events.</summary>
public sealed partial class RedisSessionDirectory
{
    private void OnEvent(RedisValue value)
    {
        var text = (string?)value;
        if (text is null || text.Length < 3)
        {
            return;
        }

        try
        {
            // Tags escape '|', and node names have none, so the tag is the second part and the field the last two.
            var rest = text[2..];
            switch (text[0])
            {
                case '+':
                    Raise(UserOnline, rest);
                    break;
                case '-':
                    Raise(UserOffline, rest);
                    break;
                case 'b' or 'u':
                    var tagEnd = rest.IndexOf('|', StringComparison.Ordinal);
                    var idStart = rest.LastIndexOf('|');
                    var nodeStart = rest.LastIndexOf('|', idStart - 1);
                    var (host, user) = RedisKeys.Untag(rest[..tagEnd]);
                    var holder = ParseField(rest[(nodeStart + 1)..]);
                    var resource = rest[(tagEnd + 1)..nodeStart];
                    ResourceChanged?.Invoke(this, new ClusterResourceEventArgs(user, host, resource, holder, text[0] == 'b'));
                    break;
            }
        }
        catch (Exception ex)
        {
            _logger.HandlerFailed(ex);
        }
    }

    private void Raise(EventHandler<ClusterPresenceEventArgs>? handler, string tag)
    {
        if (handler is not null)
        {
            var (host, user) = RedisKeys.Untag(tag);
            handler(this, new ClusterPresenceEventArgs(user, host));
        }
    }
}
