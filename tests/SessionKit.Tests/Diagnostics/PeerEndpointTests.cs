using SessionKit.Internal;

namespace SessionKit.Tests.Diagnostics;

/// <summary>How a peer text splits into the <c>network.peer.address</c> and <c>network.peer.port</c> span tags.</summary>
public sealed class PeerEndpointTests
{
    [Theory]
    [InlineData("127.0.0.1:4001", "127.0.0.1", 4001)]
    [InlineData("[::1]:5000", "::1", 5000)]
    [InlineData("[fe80::1%2]:80", "fe80::1%2", 80)]
    [InlineData("10.0.0.2:0", "10.0.0.2", 0)]
    [InlineData("10.0.0.2:65535", "10.0.0.2", 65535)]
    public void TrySplit_IpEndpoint_GivesAddressWithoutPort(string peer, string address, int port)
    {
        PeerEndpoint.TrySplit(peer, out var a, out var p).Should().BeTrue();
        a.Should().Be(address);
        p.Should().Be(port);
    }

    [Theory]
    [InlineData("client.example:7000")]
    [InlineData("unix/:/run/app.sock")]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("::1:80")]
    [InlineData("10:80")]
    [InlineData("127.0.0.1:65536")]
    [InlineData("127.0.0.1:-1")]
    [InlineData("127.0.0.1:")]
    [InlineData("[127.0.0.1]:80")]
    [InlineData("[]:80")]
    [InlineData(":80")]
    public void TrySplit_AnythingElse_KeepsThePeerWholeAsTheAddress(string peer)
    {
        PeerEndpoint.TrySplit(peer, out var address, out var port).Should().BeFalse();
        address.Should().Be(peer);
        port.Should().Be(0);
    }
}
