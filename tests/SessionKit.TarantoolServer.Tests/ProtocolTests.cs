using System.Text;
using MessagePack;
using SessionKit.TarantoolServer.Tests.Support;

namespace SessionKit.TarantoolServer.Tests;

/// <summary>Single points of issue 17's protocol, checked on the sample with a raw iproto client.</summary>
public sealed class ProtocolTests(SampleFixture fixture) : IClassFixture<SampleFixture>, IAsyncDisposable
{
    private SampleServer Server => fixture.Server;

    [Fact]
    public async Task Greeting_IsTwo64ByteLines_VersionAndUuid_ThenA32ByteBase64Salt()
    {
        await using var client = await RawClient.ConnectAsync(Server.Port);
        var line1 = Encoding.ASCII.GetString(client.Greeting, 0, 64);
        var line2 = Encoding.ASCII.GetString(client.Greeting, 64, 64);

        line1.Should().MatchRegex(@"^Tarantool 2\.6\.0 \(Binary\) [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12} *\n$");
        line2.Should().EndWith("\n").And.HaveLength(64);
        client.Salt.Should().HaveCount(32);
    }

    [Fact]
    public async Task Connect_RunsOnConnectBeforeTheGreeting_AsBinaryWithThePeer()
    {
        await using var client = await RawClient.ConnectAsync(Server.Port);

        // The greeting is only written after ConnectAsync (and so on_connect) finished.
        await client.SendAsync(RawClient.Call(1, "box.session.peer"));
        var peer = (await client.ReadAsync())!.Data![0];
        Server.Log.Snapshot().Should().Contain(l => l.StartsWith("on_connect ", StringComparison.Ordinal) && l.Contains(" binary sync=0 peer=" + peer, StringComparison.Ordinal));
    }

    [Fact]
    public async Task EveryReply_CarriesTypeSyncAndSchemaVersion()
    {
        await using var client = await RawClient.ConnectAsync(Server.Port);
        byte[][] requests =
        [
            RawClient.Frame(64, 11),
            RawClient.Call(12, "box.session.id"),
            RawClient.Call(13, "no_such_function"),
            RawClient.Frame(99, 14),
            RawClient.Frame(1, 15, (ref MessagePackWriter w) => SelectBody(ref w, 281)),
        ];
        foreach (var request in requests)
        {
            await client.SendAsync(request);
        }

        var replies = new List<Reply>();
        for (var i = 0; i < requests.Length; i++)
        {
            replies.Add((await client.ReadAsync())!);
        }

        replies.Select(r => r.Sync).Should().BeEquivalentTo(new ulong[] { 11, 12, 13, 14, 15 });
        replies.Should().OnlyContain(r => r.Header.ContainsKey(0x00) && r.Header.ContainsKey(0x01) && r.Header[0x05] > 0);
    }

    [Theory]
    [InlineData(281u)]
    [InlineData(289u)]
    [InlineData(277u)]
    public async Task Select_TheSystemViewsNetBoxReads_IsEmpty(uint space)
    {
        await using var client = await RawClient.ConnectAsync(Server.Port);
        await client.SendAsync(RawClient.Frame(1, 3, (ref MessagePackWriter w) => SelectBody(ref w, space)));

        var reply = (await client.ReadAsync())!;
        reply.Type.Should().Be(0);
        reply.Data.Should().BeEmpty();
    }

    [Fact]
    public async Task Select_AnyOtherSpace_IsError36()
    {
        await using var client = await RawClient.ConnectAsync(Server.Port);
        await client.SendAsync(RawClient.Frame(1, 3, (ref MessagePackWriter w) => SelectBody(ref w, 512)));

        var reply = (await client.ReadAsync())!;
        reply.Type.Should().Be(0x8000 | 36);
        reply.Error.Should().Be("Space '512' does not exist");
    }

    [Fact]
    public async Task UnknownRequestTypeAndUnknownFunction_AreErrors48And33()
    {
        await using var client = await RawClient.ConnectAsync(Server.Port);
        await client.SendAsync(RawClient.Frame(77, 1));
        await client.SendAsync(RawClient.Call(2, "nope"));

        var first = (await client.ReadAsync())!;
        var second = (await client.ReadAsync())!;
        first.Type.Should().Be(0x8000 | 48);
        first.Error.Should().Be("Unknown request type 77");
        second.Type.Should().Be(0x8000 | 33);
        second.Error.Should().Be("Procedure 'nope' is not defined");
    }

    [Fact]
    public async Task Auth_WrongPassword_IsError47WithTheUnifiedMessage_AndKeepsTheUser_ThenReauthenticationWorks()
    {
        await using var client = await RawClient.ConnectAsync(Server.Port);
        await client.SendAsync(RawClient.Auth(1, "alice", "alice", client.Salt));
        (await client.ReadAsync())!.Type.Should().Be(0);
        await client.SendAsync(RawClient.Auth(2, "alice", "wrong", client.Salt));
        var failed = (await client.ReadAsync())!;
        await client.SendAsync(RawClient.Call(3, "box.session.user"));
        var user = (await client.ReadAsync())!;
        await client.SendAsync(RawClient.Auth(4, "bob", "bob", client.Salt));
        await client.ReadAsync();
        await client.SendAsync(RawClient.Call(5, "box.session.uid"));
        var uid = (await client.ReadAsync())!;

        failed.Type.Should().Be(0x8000 | 47);
        failed.Error.Should().Be("User not found or supplied credentials are invalid");
        user.Data.Should().Equal("alice");
        uid.Data.Should().Equal("33");
    }

    [Fact]
    public async Task Requests_OfOneConnection_RunConcurrently_AndEachReplyCarriesItsOwnSync()
    {
        await using var client = await RawClient.ConnectAsync(Server.Port);
        const int count = 64;

        // One write with 64 requests that each yield before reading box.session.sync().
        await client.SendAsync(Enumerable.Range(1, count).SelectMany(i => RawClient.Call((ulong)(1000 + i), "yield_sync")).ToArray());
        var replies = new List<Reply>();
        for (var i = 0; i < count; i++)
        {
            replies.Add((await client.ReadAsync())!);
        }

        replies.Should().OnlyContain(r => r.Type == 0 && r.Data![0] == r.Sync.ToString(System.Globalization.CultureInfo.InvariantCulture));
        replies.Select(r => r.Sync).Should().BeEquivalentTo(Enumerable.Range(1001, count).Select(i => (ulong)i));
    }

    [Fact]
    public async Task Push_IsAnIprotoChunkWithTheSyncOfTheRequestThatPushed()
    {
        await using var client = await RawClient.ConnectAsync(Server.Port);
        await client.SendAsync(RawClient.Call(42, "push_twice", "a", "b"));

        var first = (await client.ReadAsync())!;
        var second = (await client.ReadAsync())!;
        var final = (await client.ReadAsync())!;

        first.Type.Should().Be(128);
        first.Sync.Should().Be(42);
        first.Data.Should().Equal("a");
        second.Data.Should().Equal("b");
        final.Type.Should().Be(0);
        final.Data.Should().Equal("done");
    }

    [Fact]
    public async Task Eval_TheConsoleWrapper_AnswersYaml()
    {
        await using var client = await RawClient.ConnectAsync(Server.Port);
        await client.SendAsync(RawClient.Auth(1, "bob", "bob", client.Salt));
        await client.ReadAsync();
        await client.SendAsync(RawClient.Frame(8, 2, (ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(2);
            w.Write(0x27);
            w.Write("return require(\"console\").eval(...)");
            w.Write(0x21);
            w.WriteArrayHeader(1);
            w.Write("box.session.user()");
            w.Flush();
        }));

        (await client.ReadAsync())!.Data.Should().Equal("---\n- bob\n...\n");
    }

    [Fact]
    public async Task TruncatedBody_GetsError20_AndTheConnectionStaysUsable()
    {
        await using var client = await RawClient.ConnectAsync(Server.Port);

        // A body map that announces two entries and holds one: the length is right, the body is not.
        await client.SendAsync(RawClient.Frame(10, 5, (ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(2);
            w.Write(0x22);
            w.Write("box.session.id");
            w.Flush();
        }));
        var error = (await client.ReadAsync())!;
        await client.SendAsync(RawClient.Frame(64, 6));
        var ping = (await client.ReadAsync())!;

        error.Type.Should().Be(0x8000 | 20);
        error.Sync.Should().Be(5);
        error.Error.Should().Be("Invalid MsgPack - packet body");
        ping.Type.Should().Be(0);
    }

    [Theory]
    [InlineData(0x7FFFFFFF)]
    [InlineData(0)]
    public async Task AnOversizedOrZeroLength_ClosesTheConnection_AndLeaksNoSession(int length)
    {
        var before = Server.Log.Disconnects;
        await using (var client = await RawClient.ConnectAsync(Server.Port))
        {
            await client.SendAsync(RawClient.Frame(64, 1, lengthOverride: length));
            (await client.ClosedByServerAsync()).Should().BeTrue();
        }

        await Server.WhenIdleAsync();
        Server.Log.Disconnects.Should().Be(before + 1);
        Server.Sessions.Count.Should().Be(0);
    }

    [Fact]
    public async Task AClientThatSendsWithoutReading_ThenHangsUp_LeavesNoSessionBehind()
    {
        var before = Server.Log.Disconnects;
        await using (var client = await RawClient.ConnectAsync(Server.Port))
        {
            // 50,000 pipelined pings, never read: the replies (about 750 kB) fill the small receive buffer and the
            // server's write waits, so it stops reading at its reply limit. Sent from another task, since the send
            // itself blocks once the server stops reading.
            client.Socket.ReceiveBufferSize = 4096;
            var pings = Enumerable.Range(1, 50_000).SelectMany(i => RawClient.Frame(64, (ulong)i)).ToArray();
            _ = Task.Run(async () =>
            {
                try
                {
                    await client.SendAsync(pings);
                }
                catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException or TimeoutException)
                {
                    // Cut off by the hang-up below.
                }
            });

            // The session exists (the ping burst is being served) before the client hangs up.
            (await client.ReadAsync())!.Type.Should().Be(0);
        }

        await Server.WhenIdleAsync();
        Server.Log.Disconnects.Should().Be(before + 1);
    }

    [Fact]
    public async Task AHeaderThatIsNotAMap_ClosesTheConnection()
    {
        await using var client = await RawClient.ConnectAsync(Server.Port);
        await client.SendAsync([0xCE, 0, 0, 0, 2, 0x92, 0x01]);

        (await client.ClosedByServerAsync()).Should().BeTrue();
    }

    public async ValueTask DisposeAsync()
    {
        // After each test: every connection handled, no session left, no handler fault.
        await Server.WhenIdleAsync();
        Server.Sessions.Count.Should().Be(0);
        Server.Activity.Faults.Should().Be(0);
    }

    private static void SelectBody(ref MessagePackWriter w, uint space)
    {
        w.WriteMapHeader(2);
        w.Write(0x10);
        w.Write(space);
        w.Write(0x20);
        w.WriteArrayHeader(0);
        w.Flush();
    }
}
