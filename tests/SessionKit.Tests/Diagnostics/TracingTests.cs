using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.Diagnostics;

/// <summary>
/// The spans of the <c>SessionKit</c> ActivitySource. The source is process-wide, so every test runs under its own
/// root activity and keeps only the spans of its trace: spans from background work that other tests left running
/// never interfere. The class runs alone (<see cref="TracingCollection"/>) so that its listener cannot move other
/// tests onto the traced path.
/// </summary>
[Collection(TracingCollection.Name)]
public sealed class TracingTests : IDisposable
{
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;
    private readonly Activity _root;
    private readonly FastUserDirectory _users = new();

    public TracingTests()
    {
        _root = new Activity("test-root").SetIdFormat(ActivityIdFormat.W3C).Start();
        var trace = _root.TraceId;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SessionKitDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
                options.Parent.TraceId == trace ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == trace)
                {
                    _stopped.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
        _users.Add("alice");
    }

    public void Dispose()
    {
        _listener.Dispose();
        _root.Stop();
    }

    [Fact]
    public async Task Connect_StartsASessionkitConnectSpan_TaggedWithTheSessionId()
    {
        await using var manager = new SessionManager(directory: _users);

        var session = await manager.ConnectAsync(SessionType.Binary, new IPEndPoint(IPAddress.Loopback, 4000));

        var span = _stopped.Should().ContainSingle(a => a.OperationName == "sessionkit.connect").Which;
        span.Source.Name.Should().Be("SessionKit");
        span.Kind.Should().Be(ActivityKind.Internal);
        span.ParentSpanId.Should().Be(_root.SpanId);
        span.GetTagItem("sessionkit.session.id").Should().Be(session.Id);
    }

    [Fact]
    public async Task Connect_WithOnConnectTriggers_RunsThemInsideTheConnectSpan()
    {
        await using var manager = new SessionManager(directory: _users);
        Activity? seenByTrigger = null;
        manager.OnConnect.Add(context =>
        {
            seenByTrigger = Activity.Current;
            return default;
        });

        var session = await manager.ConnectAsync(SessionType.Binary);

        var span = _stopped.Should().ContainSingle(a => a.OperationName == "sessionkit.connect").Which;
        span.GetTagItem("sessionkit.session.id").Should().Be(session.Id);
        span.Status.Should().Be(ActivityStatusCode.Unset);
        seenByTrigger.Should().BeSameAs(span, "the triggers run inside the connect span");
        Activity.Current.Should().BeSameAs(_root, "the span ends with the connect and does not leak into the caller");
    }

    [Fact]
    public async Task Connect_RefusedByOnConnect_EndsTheConnectSpanWithErrorStatus()
    {
        await using var manager = new SessionManager(directory: _users);
        var boom = new InvalidOperationException("refused");
        manager.OnConnect.Add(_ => throw boom);

        var act = async () => await manager.ConnectAsync(SessionType.Binary);

        (await act.Should().ThrowAsync<InvalidOperationException>()).Which.Should().BeSameAs(boom);
        var span = _stopped.Should().ContainSingle(a => a.OperationName == "sessionkit.connect").Which;
        span.Status.Should().Be(ActivityStatusCode.Error);
        manager.Count.Should().Be(0);
        Activity.Current.Should().BeSameAs(_root);
    }

    [Fact]
    public async Task Authenticate_StartsASessionkitAuthenticateSpan_ErrorStatusOnBadCredentials()
    {
        await using var manager = new SessionManager(directory: _users);
        var session = await manager.ConnectAsync(SessionType.Binary, new IPEndPoint(IPAddress.Loopback, 4001));

        await manager.AuthenticateAsync(session, "alice", "secret");
        await FluentActions.Awaiting(() => manager.AuthenticateAsync(session, "alice", "wrong").AsTask()).Should().ThrowAsync<AuthenticationFailedException>();

        var spans = _stopped.Where(a => a.OperationName == "sessionkit.authenticate").ToArray();
        spans.Should().HaveCount(2);
        spans.Should().OnlyContain(a =>
            Equals(a.GetTagItem("sessionkit.session.id"), session.Id)
            && Equals(a.GetTagItem("sessionkit.session.type"), "binary")
            && Equals(a.GetTagItem("network.peer.address"), "127.0.0.1")
            && Equals(a.GetTagItem("network.peer.port"), 4001));
        spans[0].Status.Should().Be(ActivityStatusCode.Unset);
        spans[1].Status.Should().Be(ActivityStatusCode.Error);
    }

    [Fact]
    public async Task Disconnect_WithOnDisconnectTriggers_StartsASessionkitDisconnectSpan_AroundThem()
    {
        await using var manager = new SessionManager(directory: _users);
        Activity? seenByTrigger = null;
        manager.OnDisconnect.Add(async _ =>
        {
            await Task.Yield();
            seenByTrigger = Activity.Current;
        });
        var session = await manager.ConnectAsync(SessionType.Console);

        await manager.DisconnectAsync(session);

        var span = _stopped.Should().ContainSingle(a => a.OperationName == "sessionkit.disconnect").Which;
        span.GetTagItem("sessionkit.session.id").Should().Be(session.Id);
        span.GetTagItem("sessionkit.session.type").Should().Be("console");
        seenByTrigger.Should().BeSameAs(span, "the triggers run inside the disconnect span");
    }

    [Fact]
    public async Task PeerTags_SplitAnIpEndpointIntoAddressAndPort_KeepOtherPeersWhole()
    {
        await using var manager = new SessionManager(directory: _users);
        var v6 = await manager.ConnectAsync(SessionType.Binary, new IPEndPoint(IPAddress.IPv6Loopback, 5000));
        var dns = await manager.ConnectAsync(SessionType.Binary, new DnsEndPoint("client.example", 7000));

        await manager.AuthenticateAsync(v6, "alice", "secret");
        await manager.AuthenticateAsync(dns, "alice", "secret");

        var spans = _stopped.Where(a => a.OperationName == "sessionkit.authenticate").ToDictionary(a => (ulong)a.GetTagItem("sessionkit.session.id")!);
        spans[v6.Id].GetTagItem("network.peer.address").Should().Be("::1");
        spans[v6.Id].GetTagItem("network.peer.port").Should().Be(5000);
        spans[dns.Id].GetTagItem("network.peer.address").Should().Be("client.example:7000", "only an IP endpoint is split");
        spans[dns.Id].GetTagItem("network.peer.port").Should().BeNull();
    }

    [Fact]
    public async Task NobodyListening_StartsNoSpans()
    {
        await using var manager = new SessionManager(directory: _users);
        using var unrelated = new Activity("unrelated").SetIdFormat(ActivityIdFormat.W3C).SetParentId(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom()).Start();

        var session = await manager.ConnectAsync(SessionType.Binary);
        await manager.AuthenticateAsync(session, "alice", "secret");
        await manager.DisconnectAsync(session);

        _stopped.Should().BeEmpty("this test's sampler drops every span outside its own trace");
    }
}
