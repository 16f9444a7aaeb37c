using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SessionKit.AspNetCore.Tests.DependencyInjection;

/// <summary>Issue 15: registration of the ASP.NET Core integration.</summary>
public sealed class AddAspNetCoreTests
{
    [Fact]
    public void AddAspNetCore_ArgValidation()
    {
        var act = () => SessionsBuilderAspNetCoreExtensions.AddAspNetCore(null!);

        act.Should().Throw<ArgumentNullException>().WithParameterName("builder");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TheUserIdProvider_IsSessionKits_WhetherAddSignalRComesBeforeOrAfter(bool signalRFirst)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        if (signalRFirst)
        {
            services.AddSignalR();
        }

        services.AddSessions().AddAspNetCore().AddAspNetCore();
        if (!signalRFirst)
        {
            services.AddSignalR();
        }

        using var provider = services.BuildServiceProvider();
        provider.GetServices<IUserIdProvider>().Should().ContainSingle().Which.GetType().Name.Should().Be("SessionUserIdProvider");
        provider.GetRequiredService<IOptions<HubOptions>>().Value.Should().NotBeNull();
        services.Count(d => d.ServiceType == typeof(IConfigureOptions<HubOptions>) && d.ImplementationType?.Name == "SessionHubOptionsSetup").Should().Be(1, "calling it twice registers the filter once");
    }

    [Fact]
    public void EachConfigureAction_Applies_InOrder()
    {
        var services = new ServiceCollection();
        services.AddSessions()
            .AddAspNetCore(o => o.HubClientMethod = "first")
            .AddAspNetCore(o => o.WebSocketSessionType = new SessionType("ws"));

        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<SessionKitAspNetCoreOptions>>().Value;
        options.HubClientMethod.Should().Be("first");
        options.WebSocketSessionType.Should().Be(new SessionType("ws"));
        options.SignalRSessionType.Should().Be(new SessionType("signalr"));
    }

    [Theory]
    [InlineData(0, "SessionMessage", "CloseTimeout")]
    [InlineData(5, " ", "HubClientMethod")]
    public async Task InvalidOptions_FailTheHostsStart_NamingTheOption(int closeSeconds, string method, string option)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Services.AddSessions().AddAspNetCore(o =>
        {
            o.CloseTimeout = TimeSpan.FromSeconds(closeSeconds);
            o.HubClientMethod = method;
        });
        using var host = builder.Build();

        var start = () => host.StartAsync();

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain(option);
    }
}
