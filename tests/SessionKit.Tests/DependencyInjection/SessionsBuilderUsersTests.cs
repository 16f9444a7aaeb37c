using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.DependencyInjection;

/// <summary>The builder's user registrations: <c>AddUser</c>, <c>UseUserDirectory</c>, <c>ConfigureSu</c>.</summary>
public sealed class SessionsBuilderUsersTests
{
    [Fact]
    public async Task AddUser_SeedsTheEmbeddedDirectory_PasswordsWork()
    {
        var services = new ServiceCollection();
        services.AddSessions().AddUser("alice", "alice-pw").AddUser("bob", "bob-pw");
        await using var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<SessionManager>();
        var session = await manager.ConnectAsync(SessionType.Binary);

        var user = await manager.AuthenticateAsync(session, "alice", "alice-pw");
        var wrong = async () => await manager.AuthenticateAsync(session, "bob", "alice-pw");

        user.Name.Should().Be("alice");
        await wrong.Should().ThrowAsync<AuthenticationFailedException>();
        provider.GetRequiredService<InMemoryUserDirectory>().Users.Select(u => u.Name).Should().Equal("guest", "admin", "alice", "bob");
    }

    [Fact]
    public void AddUser_DirectoryResolvedBeforeTheManager_IsSeededOnce()
    {
        var services = new ServiceCollection();
        services.AddSessions().AddUser("alice", "pw");
        using var provider = services.BuildServiceProvider();

        var directory = provider.GetRequiredService<InMemoryUserDirectory>();
        var manager = provider.GetRequiredService<SessionManager>();

        directory.TryFindUser("alice", out _).Should().BeTrue();
        manager.Directory.Should().BeSameAs(directory);
    }

    [Fact]
    public void AddUser_HostsOwnInMemoryDirectory_IsSeededWhenTheManagerIsBuilt()
    {
        var directory = new InMemoryUserDirectory();
        var services = new ServiceCollection();
        services.AddSingleton(directory);
        services.AddSessions().AddUser("carol", "pw");
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<SessionManager>();

        directory.TryFindUser("carol", out _).Should().BeTrue();
    }

    [Fact]
    public void AddUser_ExistingName_FailsOnResolve_NamingTheUserButNeverThePassword()
    {
        const string password = "Sup3r-Secret-Value";
        var services = new ServiceCollection();
        services.AddSessions().AddUser("admin", password);
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<SessionManager>();

        var error = act.Should().Throw<InvalidOperationException>().Which;
        error.Message.Should().Contain("admin").And.NotContain(password);
        error.ToString().Should().NotContain(password);
    }

    [Fact]
    public void AddUser_WithAnotherDirectory_FailsOnResolve()
    {
        var services = new ServiceCollection();
        services.AddSessions().UseUserDirectory<FastUserDirectory>().AddUser("alice", "pw");
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<SessionManager>();

        act.Should().Throw<InvalidOperationException>().WithMessage("*InMemoryUserDirectory*FastUserDirectory*");
    }

    [Fact]
    public void UseUserDirectory_ReplacesTheEmbeddedDirectory()
    {
        var services = new ServiceCollection();
        services.AddSessions().UseUserDirectory<FastUserDirectory>();
        using var provider = services.BuildServiceProvider();

        var manager = provider.GetRequiredService<SessionManager>();

        manager.Directory.Should().BeOfType<FastUserDirectory>().And.BeSameAs(provider.GetRequiredService<FastUserDirectory>());
        provider.GetRequiredService<IUserDirectory>().Should().BeSameAs(manager.Directory);
        services.Count(d => d.ServiceType == typeof(IUserDirectory)).Should().Be(1);
    }

    [Fact]
    public void UseUserDirectory_ThenAddSessionsAgain_KeepsTheChosenDirectory()
    {
        var services = new ServiceCollection();
        services.AddSessions().UseUserDirectory<FastUserDirectory>();
        services.AddSessions();
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<SessionManager>().Directory.Should().BeOfType<FastUserDirectory>();
    }

    [Fact]
    public async Task ConfigureSu_SetsTheSwitchUserPolicy()
    {
        var requests = new ConcurrentQueue<SwitchUserRequest>();
        var services = new ServiceCollection();
        services.AddSingleton<IUserDirectory>(Users());
        services.AddSessions().ConfigureSu(r =>
        {
            requests.Enqueue(r);
            return r.TargetName == "guest";
        });
        await using var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<SessionManager>();
        var session = await manager.ConnectAsync(SessionType.Binary);
        await manager.AuthenticateAsync(session, "alice", "secret");

        using (manager.Enter(session, 1))
        {
            using (manager.Su("guest"))
            {
                manager.EffectiveUser.Should().Be("guest");
                manager.User.Should().Be("alice");
            }

            var toAdmin = () => manager.Su("admin");
            toAdmin.Should().Throw<AccessDeniedException>();
        }

        requests.Select(r => (r.Caller.Name, r.TargetName)).Should().Equal(("alice", "guest"), ("alice", "admin"));
    }

    [Fact]
    public async Task ConfigureSu_Default_IsAdminOnly()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IUserDirectory>(Users());
        services.AddSessions();
        await using var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<SessionManager>();
        var session = await manager.ConnectAsync(SessionType.Binary);
        await manager.AuthenticateAsync(session, "alice", "secret");

        using (manager.Enter(session, 1))
        {
            var su = () => manager.Su("guest");
            su.Should().Throw<AccessDeniedException>();
        }
    }

    private static FastUserDirectory Users()
    {
        var users = new FastUserDirectory();
        users.Add("alice");
        users.Add("bob");
        return users;
    }
}
