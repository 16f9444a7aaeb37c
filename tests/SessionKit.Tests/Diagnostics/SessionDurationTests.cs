using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.Diagnostics;

/// <summary><c>sessionkit.session.duration</c>: seconds from connect to close, by the manager's clock.</summary>
public sealed class SessionDurationTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly SessionManager _manager;
    private readonly MetricCollector<double> _duration;

    public SessionDurationTests()
    {
        var factory = _services.GetRequiredService<IMeterFactory>();
        _manager = new SessionManager(directory: new FastUserDirectory(), timeProvider: _time, meterFactory: factory);
        _duration = new MetricCollector<double>(factory, SessionKitDiagnostics.MeterName, "sessionkit.session.duration");
    }

    public async ValueTask DisposeAsync()
    {
        await _manager.DisposeAsync();
        _duration.Dispose();
        await _services.DisposeAsync();
    }

    [Fact]
    public void Duration_IsAHistogramInSeconds_WithKestrelsConnectionBuckets()
    {
        var histogram = _duration.Instrument.Should().BeOfType<Histogram<double>>().Which;
        histogram.Unit.Should().Be("s");
        histogram.Advice!.HistogramBucketBoundaries.Should().Equal(0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300);
    }

    [Fact]
    public async Task Duration_IsRecordedAtClose_AsTheTimeSinceConnect()
    {
        var session = await _manager.ConnectAsync(SessionType.Binary);
        _time.Advance(TimeSpan.FromSeconds(90.5));

        await _manager.DisconnectAsync(session);
        _time.Advance(TimeSpan.FromHours(1));

        var measurement = _duration.GetMeasurementSnapshot().Should().ContainSingle().Which;
        measurement.Value.Should().Be(90.5);
        measurement.Tags.Should().ContainSingle().Which.Should().Be(new KeyValuePair<string, object?>("sessionkit.session.type", "binary"));
    }

    [Fact]
    public async Task Duration_OfSessionsClosedByShutdown_IsRecordedPerSession()
    {
        await _manager.ConnectAsync(SessionType.Binary);
        _time.Advance(TimeSpan.FromSeconds(10));
        await _manager.ConnectAsync(SessionType.Console);
        _time.Advance(TimeSpan.FromSeconds(5));

        await _manager.DisposeAsync();

        _duration.GetMeasurementSnapshot().Select(m => (m.Value, m.Tags["sessionkit.session.type"]))
            .Should().BeEquivalentTo(new[] { (15.0, (object?)"binary"), (5.0, (object?)"console") });
    }

    [Fact]
    public async Task Duration_CarriesTheTypeTheSessionHasWhenItCloses()
    {
        var session = await _manager.ConnectAsync(SessionType.Binary);
        session.Type = new SessionType("c2s");
        _time.Advance(TimeSpan.FromSeconds(3));

        await _manager.DisconnectAsync(session);

        _duration.GetMeasurementSnapshot().Should().ContainSingle()
            .Which.Tags["sessionkit.session.type"].Should().Be("c2s");
    }

    [Fact]
    public async Task Duration_AClockSteppedBackBeforeClose_RecordsZero()
    {
        var clock = new SteppableClock(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var factory = _services.GetRequiredService<IMeterFactory>();
        await using var manager = new SessionManager(directory: new FastUserDirectory(), timeProvider: clock, meterFactory: factory);
        var session = await manager.ConnectAsync(SessionType.Console);
        clock.Step(TimeSpan.FromMinutes(-1));

        await manager.DisconnectAsync(session);

        _duration.GetMeasurementSnapshot().Should().ContainSingle().Which.Value.Should().Be(0);
    }
}
