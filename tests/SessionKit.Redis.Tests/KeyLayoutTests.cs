using SessionKit.Redis.Internal;

namespace SessionKit.Redis.Tests;

/// <summary>The hash tags of user keys: one slot per user whatever the name, and reversible.</summary>
public sealed class KeyLayoutTests
{
    [Theory]
    [InlineData(null, "alice")]
    [InlineData("example.com", "bob")]
    [InlineData("h{o}st", "{weird}|na%me")]
    [InlineData("", "}{")]
    public void A_tag_has_no_brace_and_round_trips(string? host, string user)
    {
        var tag = RedisKeys.Tag(host, user);

        tag.Should().NotContainAny("{", "}", "|");
        var (backHost, backUser) = RedisKeys.Untag(tag);
        backUser.Should().Be(user);
        backHost.Should().Be(string.IsNullOrEmpty(host) ? null : host);
        var keys = new RedisKeys("sk").User(tag);

        // Every key of the user carries the same {tag}: Redis Cluster hashes only that part, so one slot.
        keys.Select(k => ((string)k!).Split('{', '}')[1]).Distinct().Should().Equal(tag);
    }
}
