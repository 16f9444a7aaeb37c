using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.DependencyInjection;

public sealed class SessionKitServiceCollectionExtensionsTests
{
    [Fact]
    public void AddSessions_ArgValidation()
    {
        Assert.Throws<ArgumentNullException>("services", () => SessionKitServiceCollectionExtensions.AddSessions(null!));
        Assert.Throws<ArgumentNullException>("services", () => SessionKitServiceCollectionExtensions.AddSessions(null!, _ => { }));
        Assert.Throws<ArgumentNullException>("configure", () => new ServiceCollection().AddSessions((Action<SessionManagerOptions>)null!));
        Assert.Throws<ArgumentNullException>("configuration", () => new ServiceCollection().AddSessions((Microsoft.Extensions.Configuration.IConfiguration)null!));
    }

    [Fact]
    public void AddSessions_ReturnsBuilderOverTheSameCollection()
    {
        var services = new ServiceCollection();

        var builder = services.AddSessions();

        builder.Services.Should().BeSameAs(services);
    }

    [Fact]
    public void AddSessions_CalledTwice_RegistersServicesOnce()
    {
        var services = new ServiceCollection();
        services.AddSessions();
        var first = services.Select(d => d.ServiceType).ToArray();

        services.AddSessions();

        services.Select(d => d.ServiceType).Should().Equal(first);
        services.Should().ContainSingle(d => d.ServiceType == typeof(SessionManager));
        services.Should().ContainSingle(d => d.ServiceType == typeof(IUserDirectory));
        services.Should().ContainSingle(d => d.ServiceType == typeof(TimeProvider));
    }

    [Fact]
    public void AddSessions_WithConfigureCalledTwice_AddsOnlyTheSecondAction()
    {
        var services = new ServiceCollection();
        services.AddSessions(_ => { });
        var count = services.Count;

        services.AddSessions(_ => { });

        services.Should().HaveCount(count + 1, "the second call adds its configure action and nothing else");
    }

    [Fact]
    public void AddSessions_EveryCoreServiceUsesTryAdd_EarlierRegistrationsWin()
    {
        var time = new FakeTimeProvider();
        var users = new FastUserDirectory();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton<IUserDirectory>(users);

        services.AddSessions();
        using var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<SessionManager>();

        manager.TimeProvider.Should().BeSameAs(time);
        manager.Directory.Should().BeSameAs(users);
    }

    [Fact]
    public void AddSessions_Defaults_SystemTimeInMemoryDirectoryAndSingletonManager()
    {
        var services = new ServiceCollection();
        services.AddSessions();
        using var provider = services.BuildServiceProvider();

        var manager = provider.GetRequiredService<SessionManager>();

        provider.GetRequiredService<SessionManager>().Should().BeSameAs(manager);
        manager.TimeProvider.Should().BeSameAs(TimeProvider.System);
        provider.GetRequiredService<TimeProvider>().Should().BeSameAs(TimeProvider.System);
        manager.Directory.Should().BeOfType<InMemoryUserDirectory>().And.BeSameAs(provider.GetRequiredService<InMemoryUserDirectory>());
        provider.GetRequiredService<IUserDirectory>().Should().BeSameAs(manager.Directory);
    }

    [Fact]
    public async Task AddSessions_TimeProviderFromContainer_StampsSessions()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 5, 6, 7, 8, 9, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddSessions();
        await using var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<SessionManager>();

        var session = await manager.ConnectAsync(SessionType.Binary);

        session.ConnectedAt.Should().Be(time.GetUtcNow());
    }

    [Fact]
    public async Task AddSessions_WithoutLogging_ResolvesAndWorks()
    {
        var services = new ServiceCollection();
        services.AddSessions();
        await using var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<SessionManager>();

        var session = await manager.ConnectAsync(SessionType.Binary);
        await manager.DisconnectAsync(session);

        manager.Exists(session.Id).Should().BeFalse();
    }

    [Fact]
    public async Task AddSessions_WithLogging_LogsThroughTheContainersLoggerFactory()
    {
        var logs = new FakeLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        services.AddSessions();
        await using var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<SessionManager>();

        await manager.ConnectAsync(SessionType.Binary);

        logs.Collector.GetSnapshot().Should().Contain(r => r.Id.Name == "SessionConnected" && r.Category == "SessionKit.SessionManager");
    }

    [Fact]
    public void AddSessions_ConfigureActions_RunInRegistrationOrder()
    {
        var services = new ServiceCollection();
        services.AddSessions(o => o.BackgroundUser = "admin");
        services.AddSessions(o => o.BackgroundUser = "guest");
        using var provider = services.BuildServiceProvider();

        var manager = provider.GetRequiredService<SessionManager>();

        manager.User.Should().Be("guest", "the last configure action wins");
    }

    [Fact]
    public void AddSessions_InvalidOptions_DoNotThrowAtRegistration()
    {
        var services = new ServiceCollection();

        var act = () => services.AddSessions(o => o.ShutdownTimeout = TimeSpan.FromSeconds(-1));

        act.Should().NotThrow();
    }

    [Theory]
    [InlineData("ShutdownTimeout")]
    [InlineData("CloseTimeout")]
    [InlineData("BackgroundUser")]
    public void AddSessions_InvalidOption_ThrowsOnFirstResolve_NamingTheOptionAndRule(string option)
    {
        var services = new ServiceCollection();
        services.AddSessions(o =>
        {
            switch (option)
            {
                case "ShutdownTimeout": o.ShutdownTimeout = TimeSpan.FromSeconds(-1); break;
                case "CloseTimeout": o.CloseTimeout = TimeSpan.Zero; break;
                default: o.BackgroundUser = "nobody-by-that-name"; break;
            }
        });
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<SessionManager>();

        // The timeouts break a rule of the options themselves, which the options validator reports; whether the
        // background user exists only the manager can tell, against its directory.
        var error = option == "BackgroundUser"
            ? (Exception)act.Should().Throw<ArgumentException>().Which
            : act.Should().Throw<Microsoft.Extensions.Options.OptionsValidationException>().Which;
        error.Message.Should().Contain($"SessionManagerOptions.{option}");
        error.Message.Should().MatchRegex("must (be|name)", "the message states the rule");
    }

    [Fact]
    public void AddSessions_ConfigureActionThrows_SurfacesOnResolve()
    {
        var services = new ServiceCollection();
        services.AddSessions(_ => throw new InvalidOperationException("bad configuration"));
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<SessionManager>();

        act.Should().Throw<InvalidOperationException>().WithMessage("bad configuration");
    }

    [Fact]
    public void AddSessions_IsInSessionKitsNamespace()
    {
        typeof(SessionKitServiceCollectionExtensions).Namespace.Should().Be("SessionKit");
        typeof(ISessionsBuilder).Namespace.Should().Be("SessionKit");
        typeof(SessionsBuilderExtensions).Namespace.Should().Be("SessionKit");
        typeof(ISessionTrigger<>).Namespace.Should().Be("SessionKit");
    }
}
