using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.PerUser;

public sealed class RoutingTests : ResourceTestBase
{
    [Fact] // xmpp-sessions.md §3 case 24
    public async Task SendToAvailable_ThreeSessionsTwoAvailable_ReturnsTwo_OnlyThoseReceive()
    {
        var (s1, c1) = await ConnectAsync("alice");
        var (s2, c2) = await ConnectAsync("alice");
        var (_, c3) = await ConnectAsync("alice");
        s1.IsAvailable = true;
        s2.IsAvailable = true;

        (await Manager.Users.SendToAvailableAsync("alice", "hi")).Should().Be(2);
        c1.Sent.Should().Equal("hi");
        c2.Sent.Should().Equal("hi");
        c3.Sent.Should().BeEmpty();
        (await Manager.Users.SendToAvailableAsync("carol", "hi")).Should().Be(0, "an offline user gets nothing");
    }

    [Fact]
    public async Task SendToAvailable_PicksTheHighestNonNegativePriority()
    {
        var (low, cLow) = await ConnectAsync("alice");
        var (high1, cHigh1) = await ConnectAsync("alice");
        var (high2, cHigh2) = await ConnectAsync("alice");
        var (negative, cNegative) = await ConnectAsync("alice");
        foreach (var s in new[] { low, high1, high2, negative })
        {
            s.IsAvailable = true;
        }

        low.Priority = 1;
        high1.Priority = 5;
        high2.Priority = 5;
        negative.Priority = 10 - 20;

        (await Manager.Users.SendToAvailableAsync("alice", "m")).Should().Be(2);
        cHigh1.Sent.Should().Equal("m");
        cHigh2.Sent.Should().Equal("m");
        cLow.Sent.Should().BeEmpty();
        cNegative.Sent.Should().BeEmpty();
    }

    [Fact]
    public async Task SendToAvailable_OnlyNegativePriorities_SendsNothing()
    {
        var (s, c) = await ConnectAsync("alice");
        s.IsAvailable = true;
        s.Priority = -1;
        (await Manager.Users.SendToAvailableAsync("alice", "m")).Should().Be(0);
        c.Sent.Should().BeEmpty();
    }

    [Fact]
    public async Task SendToInterested_AndSendToAll()
    {
        var (s1, c1) = await ConnectAsync("alice");
        var (_, c2) = await ConnectAsync("alice");
        s1.IsInterested = true;

        (await Manager.Users.SendToInterestedAsync("alice", "roster")).Should().Be(1);
        (await Manager.Users.SendToAllAsync("alice", "all")).Should().Be(2);
        c1.Sent.Should().Equal("roster", "all");
        c2.Sent.Should().Equal("all");
    }

    [Fact]
    public async Task OneFailingTransport_IsLoggedAndCountedAsNotSent_OthersStillReceive()
    {
        var (_, broken) = await ConnectAsync("alice");
        var (_, healthy) = await ConnectAsync("alice");
        broken.SendFailure = new IOException("socket gone");

        (await Manager.Users.SendToAllAsync("alice", "m")).Should().Be(1);
        healthy.Sent.Should().Equal("m");
        Logs.Collector.GetSnapshot().Should().Contain(r => r.Id.Name == "SendFailed" && r.Exception is IOException);
    }

    [Fact]
    public async Task Facets_ClassifyConnectedAvailableInterested()
    {
        var (s, _) = await ConnectAsync("alice");
        s.Facets.Should().Be(SessionFacets.None);
        await Manager.Users.BindResourceAsync(s, "home");
        s.IsAvailable = true;
        s.IsInterested = true;
        s.Facets.Should().Be(SessionFacets.Connected | SessionFacets.Available | SessionFacets.Interested);
        await Manager.DisconnectAsync(s);
        s.Facets.Should().Be(SessionFacets.None);
    }

    [Fact]
    public async Task Priority_OutOfRange_Throws_AndKeepsTheOldValue()
    {
        var (s, _) = await ConnectAsync("alice");
        s.Priority = 3;
        var act = () => s.Priority = 128;
        act.Should().Throw<ArgumentOutOfRangeException>();
        s.Priority.Should().Be(3);
    }
}
