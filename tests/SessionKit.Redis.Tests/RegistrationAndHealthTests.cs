using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using SessionKit.Redis.Tests.Fixtures;

namespace SessionKit.Redis.Tests;

/// <summary>AddRedisDirectory, option validation, the health check, and the default serializer, in process.</summary>
public sealed class RegistrationAndHealthTests
{
    [Fact]
    public async Task AddRedisDirectory_sets_the_managers_directory_and_the_health_check_follows_the_status()
    {
        await using var redis = await RedisServer.StartAsync();
        var services = new ServiceCollection();
        services.AddSessions().AddRedisDirectory(o =>
        {
            o.Configuration = redis.Endpoint;
            o.NodeName = "di-node";
        });
        await using var provider = services.BuildServiceProvider();
        var directory = provider.GetRequiredService<RedisSessionDirectory>();
        var check = provider.GetRequiredService<RedisDirectoryHealthCheck>();

        provider.GetRequiredService<IOptions<SessionManagerOptions>>().Value.SessionDirectory.Should().BeSameAs(directory);
        (await check.CheckHealthAsync(new HealthCheckContext())).Status.Should().Be(HealthStatus.Degraded, "not attached yet");

        var manager = provider.GetRequiredService<SessionManager>();
        directory.Status.Should().Be(DirectoryStatus.Available);
        (await check.CheckHealthAsync(new HealthCheckContext())).Status.Should().Be(HealthStatus.Healthy);
        var session = await manager.ConnectAsync(new ConnectOptions { AuthenticatedUser = new SessionUser(100, "dio") });
        (await directory.SessionsOfAsync("dio")).Should().ContainSingle().Which.Id.Should().Be(directory.IdOf(session) with { Incarnation = directory.Incarnation });
        var other = new SessionManager();
        var attachTwice = () => directory.Attach(other);
        attachTwice.Should().Throw<InvalidOperationException>();
        await other.DisposeAsync();
    }

    [Theory]
    [InlineData("bad|name")]
    [InlineData("")]
    public void A_node_name_outside_the_rules_is_refused(string name)
    {
        var create = () => new RedisSessionDirectory(new RedisDirectoryOptions { NodeName = name });
        create.Should().Throw<ArgumentException>().WithMessage("*NodeName*");
    }

    [Fact]
    public void The_default_serializer_round_trips_strings_and_bytes_and_refuses_other_types()
    {
        var serializer = new DefaultClusterMessageSerializer();
        serializer.Deserialize(serializer.Serialize("héllo")).Should().Be("héllo");
        serializer.Deserialize(serializer.Serialize(new byte[] { 1, 2, 3 })).Should().BeEquivalentTo(new byte[] { 1, 2, 3 });
        var other = () => serializer.Serialize(42);
        other.Should().Throw<NotSupportedException>();
    }
}
