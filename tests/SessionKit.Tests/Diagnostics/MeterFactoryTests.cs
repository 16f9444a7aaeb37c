using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.Diagnostics;

/// <summary>
/// The meter comes from an <see cref="IMeterFactory"/> when one is given (and from the container's with
/// <c>AddSessions()</c>), so a consumer's test scopes a <see cref="MetricCollector{T}"/> to its own container.
/// </summary>
public sealed class MeterFactoryTests
{
    private readonly FastUserDirectory _users = new();

    [Fact]
    public async Task MeterFactory_GivesTheMeter_ACollectorScopedToTheFactoryHearsTheManager()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        await using var manager = new SessionManager(directory: _users, meterFactory: factory);
        using var opened = new MetricCollector<long>(factory, SessionKitDiagnostics.MeterName, "sessionkit.session.opened");
        using var active = new MetricCollector<long>(factory, SessionKitDiagnostics.MeterName, "sessionkit.session.active");

        await manager.ConnectAsync(SessionType.Binary);
        await manager.ConnectAsync(new SessionType("c2s"));

        manager.Meter.Scope.Should().BeSameAs(factory);
        manager.Meter.Name.Should().Be("SessionKit");
        opened.Instrument!.Unit.Should().Be("{session}");
        opened.GetMeasurementSnapshot().Select(m => (m.Value, m.Tags["sessionkit.session.type"]))
            .Should().BeEquivalentTo(new[] { (1L, (object?)"binary"), (1L, (object?)"c2s") });
        active.GetMeasurementSnapshot().Sum(m => m.Value).Should().Be(2);
    }

    [Fact]
    public async Task MeterFactory_AnotherFactorysCollector_HearsNothing()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var otherServices = new ServiceCollection().AddMetrics().BuildServiceProvider();
        await using var manager = new SessionManager(directory: _users, meterFactory: services.GetRequiredService<IMeterFactory>());
        using var other = new MetricCollector<long>(otherServices.GetRequiredService<IMeterFactory>(), SessionKitDiagnostics.MeterName, "sessionkit.session.opened");
        using var mine = new MetricCollector<long>(services.GetRequiredService<IMeterFactory>(), SessionKitDiagnostics.MeterName, "sessionkit.session.opened");

        await manager.ConnectAsync(SessionType.Binary);

        mine.GetMeasurementSnapshot().Should().ContainSingle().Which.Value.Should().Be(1);
        other.GetMeasurementSnapshot().Should().BeEmpty();
    }

    [Fact]
    public async Task MeterFactory_TheFactorysMeter_OutlivesTheManager_AnOwnMeterDoesNot()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        var borrowing = new SessionManager(directory: _users, meterFactory: factory);
        var owning = new SessionManager(directory: _users);
        using var borrowed = new MetricCollector<long>(borrowing.Meter, "sessionkit.session.opened");
        using var owned = new MetricCollector<long>(owning.Meter, "sessionkit.session.opened");
        borrowed.Instrument!.Enabled.Should().BeTrue();
        owned.Instrument!.Enabled.Should().BeTrue();

        await borrowing.DisposeAsync();
        await owning.DisposeAsync();

        // Disposing a meter disables its instruments for every listener.
        borrowed.Instrument.Enabled.Should().BeTrue("the factory owns its meter; the manager must not dispose it");
        owned.Instrument.Enabled.Should().BeFalse("a manager disposes the meter it created");
    }

    [Fact]
    public async Task AddSessions_WithMetricsInTheContainer_TakesTheContainersMeterFactory()
    {
        var collection = new ServiceCollection().AddMetrics();
        collection.AddSessions();
        await using var services = collection.BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        using var opened = new MetricCollector<long>(factory, SessionKitDiagnostics.MeterName, "sessionkit.session.opened");
        using var closed = new MetricCollector<long>(factory, SessionKitDiagnostics.MeterName, "sessionkit.session.closed");
        var manager = services.GetRequiredService<SessionManager>();

        var session = await manager.ConnectAsync(SessionType.Console);
        await manager.DisconnectAsync(session);

        manager.Meter.Scope.Should().BeSameAs(factory);
        opened.GetMeasurementSnapshot().Should().ContainSingle().Which.Tags.Should().ContainSingle().Which.Should().Be(new KeyValuePair<string, object?>("sessionkit.session.type", "console"));
        closed.GetMeasurementSnapshot().Should().ContainSingle().Which.Value.Should().Be(1);
    }

    [Fact]
    public async Task AddSessions_WithoutMetricsInTheContainer_TheManagerMakesItsOwnMeter()
    {
        var collection = new ServiceCollection();
        collection.AddSessions();
        await using var services = collection.BuildServiceProvider();

        var manager = services.GetRequiredService<SessionManager>();

        manager.Meter.Scope.Should().BeNull();
        manager.Meter.Name.Should().Be("SessionKit");
    }
}
