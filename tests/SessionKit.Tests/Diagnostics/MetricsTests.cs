using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.Diagnostics;

public sealed class MetricsTests : IAsyncLifetime
{
    private readonly FastUserDirectory _users = new();
    private SessionManager _manager = null!;
    private MetricCollector<long> _active = null!;
    private MetricCollector<long> _opened = null!;
    private MetricCollector<long> _closed = null!;
    private MetricCollector<long> _authentications = null!;
    private MetricCollector<double> _triggerDuration = null!;
    private MetricCollector<long> _suRefusals = null!;

    public ValueTask InitializeAsync()
    {
        _users.Add("alice");
        _users.Add("bob");
        _users.Add("locked", mayConnect: false);

        // The system clock: trigger durations are measured with TimeProvider timestamps.
        _manager = new SessionManager(directory: _users, timeProvider: TimeProvider.System);

        // Every manager owns a meter named SessionKit; a collector given the Meter object hears only this manager,
        // never the managers of tests running in parallel.
        _active = new(_manager.Meter, "sessionkit.session.active");
        _opened = new(_manager.Meter, "sessionkit.session.opened");
        _closed = new(_manager.Meter, "sessionkit.session.closed");
        _authentications = new(_manager.Meter, "sessionkit.authentication.attempts");
        _triggerDuration = new(_manager.Meter, "sessionkit.trigger.duration");
        _suRefusals = new(_manager.Meter, "sessionkit.su.refusals");
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _manager.DisposeAsync();
        foreach (var collector in new IDisposable[] { _active, _opened, _closed, _authentications, _triggerDuration, _suRefusals })
        {
            collector.Dispose();
        }
    }

    [Fact]
    public void Meter_IsNamedSessionKit_AndPublishesTheDocumentedInstruments()
    {
        _manager.Meter.Name.Should().Be("SessionKit");

        _active.Instrument.Should().BeOfType<UpDownCounter<long>>().Which.Unit.Should().Be("{session}");
        _opened.Instrument.Should().BeOfType<Counter<long>>().Which.Unit.Should().Be("{session}");
        _closed.Instrument.Should().BeOfType<Counter<long>>().Which.Unit.Should().Be("{session}");
        _authentications.Instrument.Should().BeOfType<Counter<long>>().Which.Unit.Should().Be("{attempt}");
        _triggerDuration.Instrument.Should().BeOfType<Histogram<double>>().Which.Unit.Should().Be("s");
        _suRefusals.Instrument.Should().BeOfType<Counter<long>>().Which.Unit.Should().Be("{refusal}");
    }

    [Fact]
    public async Task Sessions_OpenedClosedAndActive_AreCountedByType()
    {
        var a = await _manager.ConnectAsync(SessionType.Binary);
        await _manager.ConnectAsync(SessionType.Binary);
        var c = await _manager.ConnectAsync(new SessionType("c2s"));

        await _manager.DisconnectAsync(a);
        await _manager.DisconnectAsync(c);

        Sum(_opened, "sessionkit.session.type", "binary").Should().Be(2);
        Sum(_opened, "sessionkit.session.type", "c2s").Should().Be(1);
        Sum(_closed, "sessionkit.session.type", "binary").Should().Be(1);
        Sum(_closed, "sessionkit.session.type", "c2s").Should().Be(1);
        Sum(_active, "sessionkit.session.type", "binary").Should().Be(1);
        Sum(_active, "sessionkit.session.type", "c2s").Should().Be(0);
        new[] { _active, _opened, _closed }.SelectMany(c => c.GetMeasurementSnapshot())
            .Should().OnlyContain(m => m.Tags.Count == 1 && m.Tags.ContainsKey("sessionkit.session.type"));
    }

    [Fact]
    public async Task Sessions_ShutdownClosesTheRest_ActiveReturnsToZero()
    {
        await _manager.ConnectAsync(SessionType.Binary);
        await _manager.ConnectAsync(SessionType.Console);

        await _manager.DisposeAsync();

        _active.GetMeasurementSnapshot().Sum(m => m.Value).Should().Be(0);
        _closed.GetMeasurementSnapshot().Sum(m => m.Value).Should().Be(2);
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

        Sum(_authentications, "sessionkit.authentication.result", "success").Should().Be(1);
        Sum(_authentications, "sessionkit.authentication.result", "failure").Should().Be(2);
        Sum(_authentications, "sessionkit.authentication.result", "denied").Should().Be(1);
        Sum(_authentications, "sessionkit.authentication.result", "error").Should().Be(1);
        _authentications.GetMeasurementSnapshot().Should().HaveCount(5).And.OnlyContain(m => m.Tags.Count == 1);
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

        var durations = _triggerDuration.GetMeasurementSnapshot();
        durations.Select(m => m.Tags["sessionkit.trigger.list"]).Should().BeEquivalentTo(new[] { "on_connect", "on_auth", "on_disconnect" });
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

        Sum(_suRefusals, "sessionkit.su.kind", "su").Should().Be(2);
        Sum(_suRefusals, "sessionkit.su.kind", "change_user").Should().Be(1);
    }

    [Fact]
    public async Task TwoManagers_NeverMixTheirMeasurements()
    {
        await using var other = new SessionManager(directory: _users);
        using var otherOpened = new MetricCollector<long>(other.Meter, "sessionkit.session.opened");

        await other.ConnectAsync(SessionType.Binary);
        await other.ConnectAsync(SessionType.Binary);
        await _manager.ConnectAsync(SessionType.Binary);

        Sum(otherOpened, "sessionkit.session.type", "binary").Should().Be(2);
        Sum(_opened, "sessionkit.session.type", "binary").Should().Be(1);
        other.Meter.Should().NotBeSameAs(_manager.Meter);
        other.Meter.Name.Should().Be(_manager.Meter.Name);
    }

    /// <summary>Sums the measurements whose tag <paramref name="tag"/> equals <paramref name="value"/>.</summary>
    private static long Sum(MetricCollector<long> collector, string tag, string value) =>
        collector.GetMeasurementSnapshot().Where(m => m.ContainsTags(new KeyValuePair<string, object?>(tag, value))).Sum(m => m.Value);
}
