using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace SessionKit.Hosting.Tests;

/// <summary>Issue 14, point 2: the options pattern, validation at host start, and configuration binding.</summary>
public sealed class OptionsPatternTests
{
    private static readonly TimeSpan Watchdog = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task ConfigureOfSessionManagerOptions_IsHonoured_InRegistrationOrderWithTheDelegateOverload()
    {
        var builder = NewHost();
        builder.Services.Configure<SessionManagerOptions>(o => o.MaxStorageKeys = 7);
        builder.Services.AddSessions(o => o.CloseTimeout = TimeSpan.FromSeconds(3));
        builder.Services.Configure<SessionManagerOptions>(o => o.BackgroundUser = "guest");
        using var host = builder.Build();
        await host.StartAsync().WaitAsync(Watchdog);

        var manager = host.Services.GetRequiredService<SessionManager>();
        var options = host.Services.GetRequiredService<IOptions<SessionManagerOptions>>().Value;

        options.MaxStorageKeys.Should().Be(7, "an action registered before AddSessions applies");
        options.CloseTimeout.Should().Be(TimeSpan.FromSeconds(3));
        manager.User.Should().Be("guest", "the manager was built from the configured options");
        var session = await manager.ConnectAsync(SessionType.Binary);
        for (var i = 0; i < 7; i++)
        {
            session.Storage.Set($"k{i}", "v");
        }

        var eighth = () => session.Storage.Set("k7", "v");
        eighth.Should().Throw<Exception>("MaxStorageKeys = 7 reached the manager");
        await host.StopAsync().WaitAsync(Watchdog);
    }

    [Fact]
    public async Task ANegativeShutdownTimeout_FailsHostStart_NamingTheOption()
    {
        var builder = NewHost();
        builder.Services.AddSessions(o => o.ShutdownTimeout = TimeSpan.FromSeconds(-5));
        using var host = builder.Build();

        var start = () => host.StartAsync().WaitAsync(Watchdog);

        var error = (await start.Should().ThrowAsync<OptionsValidationException>()).Which;
        error.OptionsType.Should().Be<SessionManagerOptions>();
        error.Message.Should().Contain("SessionManagerOptions.ShutdownTimeout").And.Contain("-00:00:05");
        error.Message.Should().NotContain("Parameter", "the constructor's parameter name means nothing at host start");
    }

    [Fact]
    public async Task AnInvalidOptionSetThroughConfigure_FailsHostStart_EvenThoughNothingResolvedTheManager()
    {
        var builder = NewHost();
        builder.Services.AddSessions();
        builder.Services.Configure<SessionManagerOptions>(o => o.MaxConcurrentVerifications = 0);
        using var host = builder.Build();

        var start = () => host.StartAsync().WaitAsync(Watchdog);

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain("SessionManagerOptions.MaxConcurrentVerifications");
    }

    [Fact]
    public async Task AddSessionsWithAConfigurationSection_BindsTimeSpansIntsEnumsAndText()
    {
        var configuration = Configuration(new()
        {
            ["Sessions:ShutdownTimeout"] = "00:00:07",
            ["Sessions:CloseTimeout"] = "Infinite",
            ["Sessions:AuthenticationTimeout"] = "00:01:30",
            ["Sessions:MaxStorageKeys"] = "12",
            ["Sessions:ResourceConflictPolicy"] = "Increment",
            ["Sessions:SessionLimitPolicy"] = "evictoldest",
            ["Sessions:UserChangeClosePolicy"] = "Removed, PasswordChanged",
            ["Sessions:BackgroundUser"] = "guest",
            ["Unrelated:Key"] = "ignored: outside the section",
        });
        var builder = NewHost();
        builder.Services.AddSessions(configuration.GetSection("Sessions"));
        using var host = builder.Build();
        await host.StartAsync().WaitAsync(Watchdog);

        var options = host.Services.GetRequiredService<IOptions<SessionManagerOptions>>().Value;

        options.ShutdownTimeout.Should().Be(TimeSpan.FromSeconds(7));
        options.CloseTimeout.Should().Be(Timeout.InfiniteTimeSpan);
        options.AuthenticationTimeout.Should().Be(TimeSpan.FromSeconds(90));
        options.MaxStorageKeys.Should().Be(12);
        options.ResourceConflictPolicy.Should().Be(ResourceConflictPolicy.Increment);
        options.SessionLimitPolicy.Should().Be(SessionLimitPolicy.EvictOldest);
        options.UserChangeClosePolicy.Should().Be(UserChangeClosePolicy.Removed | UserChangeClosePolicy.PasswordChanged);
        host.Services.GetRequiredService<SessionManager>().User.Should().Be("guest");
        await host.StopAsync().WaitAsync(Watchdog);
    }

    [Fact]
    public async Task ConfigurationAndCode_ApplyInRegistrationOrder()
    {
        var configuration = Configuration(new() { ["Sessions:MaxStorageKeys"] = "12", ["Sessions:MaxUserStorageKeys"] = "13" });
        var builder = NewHost();
        builder.Services.AddSessions(configuration.GetSection("Sessions"));
        builder.Services.AddSessions(o => o.MaxStorageKeys = 20);
        using var host = builder.Build();
        await host.StartAsync().WaitAsync(Watchdog);

        var options = host.Services.GetRequiredService<IOptions<SessionManagerOptions>>().Value;

        options.MaxStorageKeys.Should().Be(20, "the code registered later wins");
        options.MaxUserStorageKeys.Should().Be(13);
        await host.StopAsync().WaitAsync(Watchdog);
    }

    [Theory]
    [InlineData("Sessions:ShutdownTimeout", "five seconds", "time span")]
    [InlineData("Sessions:MaxStorageKeys", "many", "whole number")]
    [InlineData("Sessions:ResourceConflictPolicy", "KeepBoth", "KickOld")]
    [InlineData("Sessions:ResourceConflictPolicy", "1", "KickOld")]
    [InlineData("Sessions:ShutdownTimout", "00:00:05", "not an option")]
    [InlineData("Sessions:IdleTimeout", "00:00:05", "delegate")]
    public async Task ABadConfigurationValue_FailsHostStart_NamingTheKey(string key, string value, string explanation)
    {
        var builder = NewHost();
        builder.Services.AddSessions(Configuration(new() { [key] = value }).GetSection("Sessions"));
        using var host = builder.Build();

        var start = () => host.StartAsync().WaitAsync(Watchdog);

        var error = (await start.Should().ThrowAsync<OptionsValidationException>()).Which;
        error.Message.Should().Contain($"'{key}'").And.Contain(explanation);
    }

    [Fact]
    public async Task ABoundValueThatBreaksARule_FailsHostStart_NamingTheOption()
    {
        var builder = NewHost();
        builder.Services.AddSessions(Configuration(new() { ["Sessions:ShutdownTimeout"] = "-00:00:05" }).GetSection("Sessions"));
        using var host = builder.Build();

        var start = () => host.StartAsync().WaitAsync(Watchdog);

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain("SessionManagerOptions.ShutdownTimeout");
    }

    private static HostApplicationBuilder NewHost() => Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });

    private static IConfigurationRoot Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
