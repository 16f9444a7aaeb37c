using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.Internal.Bounds;

/// <summary>
/// Issue 12, defect 10 and its class: every name the library generates obeys the rules a given name obeys, so a
/// resource bound under <see cref="ResourceConflictPolicy.Increment"/> or <see cref="ResourceConflictPolicy.Random"/>
/// can always be found again.
/// </summary>
public sealed class GeneratedResourceNameTests
{
    [Theory]
    [InlineData(ResourceConflictPolicy.Increment)]
    [InlineData(ResourceConflictPolicy.Random)]
    public async Task AConflictOnAResourceOfTheMaximumLength_BindsAFindableName(ResourceConflictPolicy policy)
    {
        await using var h = new Host(new SessionManagerOptions { ResourceConflictPolicy = policy });
        var wanted = new string('r', new SessionManagerOptions().MaxResourceLength);
        var first = await h.BindAsync("alice", wanted);

        var bound = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            bound.Add(await h.BindAsync("alice", wanted));
        }

        first.Should().Be(wanted);
        bound.Should().OnlyHaveUniqueItems().And.NotContain(wanted);
        foreach (var name in bound)
        {
            name.Length.Should().BeLessThanOrEqualTo(wanted.Length);
            h.Manager.Users.FindResource("alice", name).Should().NotBeNull($"'{name[^8..]}' was bound, so it must be findable");
        }
    }

    [Fact]
    public async Task Increment_NeverSplitsASurrogatePair_WhenItShortensTheBase()
    {
        await using var h = new Host(new SessionManagerOptions { ResourceConflictPolicy = ResourceConflictPolicy.Increment, MaxResourceLength = 8 });

        // 8 UTF-16 units: five letters, a surrogate pair, a letter. "#1" needs the base cut to 6 units, which would
        // end it on the pair's first half; the base must lose the whole pair instead.
        var wanted = "abcde\U0001F600f";
        await h.BindAsync("alice", wanted);
        var second = await h.BindAsync("alice", wanted);

        second.Should().Be("abcde#1");
        h.Manager.Users.FindResource("alice", second).Should().NotBeNull();
    }

    private sealed class Host(SessionManagerOptions options) : ResourceTestBase(options)
    {
        public new SessionManager Manager => base.Manager;

        public async Task<string> BindAsync(string user, string resource)
        {
            var (session, _) = await ConnectAsync(user);
            return await Manager.Users.BindResourceAsync(session, resource);
        }
    }
}
