using System.Diagnostics.Metrics;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.Diagnostics;

public sealed class MetricsTests : IAsyncLifetime
{
    private readonly FastUserDirectory _users = new();
    private SessionManager _manager = null!;
    private MeasurementRecorder _recorder = null!;

    public ValueTask InitializeAsync()
    {
        _users.Add("alice");
        _users.Add("bob");
        _users.Add("locked", mayConnect: false);

        // The system clock: trigger durations are measured with TimeProvider timestamps.
        _manager = new SessionManager(users: _users, timeProvider: TimeProvider.System);
        _recorder = new MeasurementRecorder(_manager.Meter);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _manager.DisposeAsync();
        _recorder.Dispose();
    }

    [Fact]
    public void Meter_IsNamedSessionKit_AndPublishesTheDocumentedInstruments()
    {
        _manager.Meter.Name.Should().Be("SessionKit");
        var instruments = _recorder.Instruments;

        instruments["sessionkit.sessions.active"].Should().BeOfType<UpDownCounter<long>>().Which.Unit.Should().Be("{session}");
        instruments["sessionkit.sessions.opened"].Should().BeOfType<Counter<long>>().Which.Unit.Should().Be("{session}");
        instruments["sessionkit.sessions.closed"].Should().BeOfType<Counter<long>>().Which.Unit.Should().Be("{session}");
        instruments["sessionkit.authentications"].Should().BeOfType<Counter<long>>().Which.Unit.Should().Be("{authentication}");
        instruments["sessionkit.trigger.duration"].Should().BeOfType<Histogram<double>>().Which.Unit.Should().Be("s");
        instruments["sessionkit.su.refusals"].Should().BeOfType<Counter<long>>().Which.Unit.Should().Be("{refusal}");
    }

    [Fact]
    public async Task Sessions_OpenedClosedAndActive_AreCountedByType()
    {
        var a = await _manager.ConnectAsync(SessionType.Binary);
        await _manager.ConnectAsync(SessionType.Binary);
        var c = await _manager.ConnectAsync(new SessionType("c2s"));

        await _manager.DisconnectAsync(a);
        await _manager.DisconnectAsync(c);

        _recorder.Sum("sessionkit.sessions.opened", "sessionkit.session.type", "binary").Should().Be(2);
        _recorder.Sum("sessionkit.sessions.opened", "sessionkit.session.type", "c2s").Should().Be(1);
        _recorder.Sum("sessionkit.sessions.closed", "sessionkit.session.type", "binary").Should().Be(1);
        _recorder.Sum("sessionkit.sessions.closed", "sessionkit.session.type", "c2s").Should().Be(1);
        _recorder.Sum("sessionkit.sessions.active", "sessionkit.session.type", "binary").Should().Be(1);
        _recorder.Sum("sessionkit.sessions.active", "sessionkit.session.type", "c2s").Should().Be(0);
        _recorder.Measurements.Where(m => m.Instrument.StartsWith("sessionkit.sessions.", StringComparison.Ordinal))
            .Should().OnlyContain(m => m.Tags.Count == 1 && m.Tags.ContainsKey("sessionkit.session.type"));
    }

    [Fact]
    public async Task Sessions_ShutdownClosesTheRest_ActiveReturnsToZero()
    {
        await _manager.ConnectAsync(SessionType.Binary);
        await _manager.ConnectAsync(SessionType.Console);

        await _manager.DisposeAsync();

        _recorder.Of("sessionkit.sessions.active").Sum(m => m.Value).Should().Be(0);
        _recorder.Of("sessionkit.sessions.closed").Sum(m => m.Value).Should().Be(2);
    }

    [Fact]
    public async Task Authentications_AreCountedByResult()
    {
        var session = await _manager.ConnectAsync(SessionType.Binary);
        await _manager.AuthenticateAsync(session, "alice", "secret");
        await FluentActions.Awaiting(() => _manager.AuthenticateAsync(session, "alice", "wrong").AsTask()).Should().ThrowAsync<AuthenticationFailedException>();
        await FluentActions.Awaiting(() => _manager.AuthenticateAsync(session, "nobody", "secret").AsTask()).Should().ThrowAsync<AuthenticationFailedException>();
        await FluentActions.Awaiting(() => _manager.AuthenticateAsync(session, "locked", "secret").AsTask()).Should().ThrowAsync<AccessDeniedException>();
        _manager.OnAuth.Add(_ => throw new InvalidOperationException("on_auth refuses"));
        await FluentActions.Awaiting(() => _manager.AuthenticateAsync(session, "bob", "secret").AsTask()).Should().ThrowAsync<InvalidOperationException>();

        _recorder.Sum("sessionkit.authentications", "sessionkit.auth.result", "success").Should().Be(1);
        _recorder.Sum("sessionkit.authentications", "sessionkit.auth.result", "failure").Should().Be(2);
        _recorder.Sum("sessionkit.authentications", "sessionkit.auth.result", "denied").Should().Be(1);
        _recorder.Sum("sessionkit.authentications", "sessionkit.auth.result", "error").Should().Be(1);
        _recorder.Of("sessionkit.authentications").Should().HaveCount(5).And.OnlyContain(m => m.Tags.Count == 1);
    }

    [Fact]
    public async Task TriggerDuration_IsRecordedInSecondsPerList()
    {
        _manager.OnConnect.Add(async _ => await Task.Yield());
        _manager.OnAuth.Add(_ => default);
        _manager.OnDisconnect.Add(_ => default);
        var session = await _manager.ConnectAsync(SessionType.Binary);
        await _manager.AuthenticateAsync(session, "alice", "secret");

        await _manager.DisconnectAsync(session);

        var durations = _recorder.Of("sessionkit.trigger.duration");
        durations.Select(m => m["sessionkit.trigger.list"]).Should().BeEquivalentTo(new[] { "on_connect", "on_auth", "on_disconnect" });
        durations.Should().OnlyContain(m => m.Value >= 0 && m.Value < 60 && m.Tags.Count == 1);
    }

    [Fact]
    public async Task SuRefusals_AreCountedByKind()
    {
        var session = await _manager.ConnectAsync(SessionType.Binary);
        await _manager.AuthenticateAsync(session, "alice", "secret");

        using (_manager.Enter(session, 1))
        {
            FluentActions.Invoking(() => _manager.Su("bob")).Should().Throw<AccessDeniedException>();
            FluentActions.Invoking(() => _manager.Su("admin")).Should().Throw<AccessDeniedException>();
            FluentActions.Invoking(() => _manager.ChangeUser("bob")).Should().Throw<AccessDeniedException>();
        }

        _recorder.Sum("sessionkit.su.refusals", "sessionkit.su.kind", "su").Should().Be(2);
        _recorder.Sum("sessionkit.su.refusals", "sessionkit.su.kind", "change_user").Should().Be(1);
    }

    [Fact]
    public async Task TwoManagers_NeverMixTheirMeasurements()
    {
        await using var other = new SessionManager(users: _users);
        using var otherRecorder = new MeasurementRecorder(other.Meter);

        await other.ConnectAsync(SessionType.Binary);
        await other.ConnectAsync(SessionType.Binary);
        await _manager.ConnectAsync(SessionType.Binary);

        otherRecorder.Sum("sessionkit.sessions.opened", "sessionkit.session.type", "binary").Should().Be(2);
        _recorder.Sum("sessionkit.sessions.opened", "sessionkit.session.type", "binary").Should().Be(1);
        other.Meter.Should().NotBeSameAs(_manager.Meter);
        other.Meter.Name.Should().Be(_manager.Meter.Name);
    }
}
