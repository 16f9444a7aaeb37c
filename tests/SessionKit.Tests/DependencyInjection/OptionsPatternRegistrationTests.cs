using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace SessionKit.Tests.DependencyInjection;

/// <summary>Issue 14, points 1 and 2, without a host: what AddSessions registers for the options pattern and the host's stop.</summary>
public sealed class OptionsPatternRegistrationTests
{
    [Fact]
    public void ConfigureOfSessionManagerOptions_ReachesTheManager_WithoutAHost()
    {
        var services = new ServiceCollection();
        services.Configure<SessionManagerOptions>(o => o.BackgroundUser = "guest");
        services.AddSessions();
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<SessionManager>().User.Should().Be("guest");
    }

    [Fact]
    public void ConfigureSu_IsAnOptionsAction_TheLastPolicySetWins()
    {
        Func<SwitchUserRequest, bool> first = _ => false;
        Func<SwitchUserRequest, bool> second = _ => true;
        var services = new ServiceCollection();
        services.AddSessions().ConfigureSu(first);
        services.Configure<SessionManagerOptions>(o => o.SwitchUserPolicy = second);
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IOptions<SessionManagerOptions>>().Value.SwitchUserPolicy.Should().BeSameAs(second);
    }

    [Fact]
    public void AddSessions_RegistersOneLifecycleService_AndAValidator_HoweverOftenCalled()
    {
        var services = new ServiceCollection();
        services.AddSessions();
        services.AddSessions(_ => { });
        using var provider = services.BuildServiceProvider();

        provider.GetServices<IHostedService>().Should().ContainSingle().Which.Should().BeAssignableTo<IHostedLifecycleService>();
        provider.GetServices<IValidateOptions<SessionManagerOptions>>().Should().ContainSingle();
    }
}
