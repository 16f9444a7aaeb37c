using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.DependencyInjection;

public sealed partial class SessionsBuilderExtensionsTests
{
    private static readonly Func<SessionTriggerContext, ValueTask> NoSessionTrigger = _ => default;
    private static readonly Func<AuthTriggerContext, ValueTask> NoAuthTrigger = _ => default;
    private static readonly Func<AccessDeniedTriggerContext, ValueTask> NoDeniedTrigger = _ => default;

    [Fact]
    public void SessionsBuilderExtensions_ArgValidation()
    {
        var builder = new ServiceCollection().AddSessions();
        ISessionsBuilder nil = null!;

        Assert.Throws<ArgumentNullException>("builder", () => nil.OnConnect(NoSessionTrigger));
        Assert.Throws<ArgumentNullException>("builder", () => nil.OnConnect("n", NoSessionTrigger));
        Assert.Throws<ArgumentNullException>("builder", () => nil.OnConnect<RecordingTrigger>());
        Assert.Throws<ArgumentNullException>("builder", () => nil.OnConnect<RecordingTrigger>("n"));
        Assert.Throws<ArgumentNullException>("builder", () => nil.OnAuth(NoAuthTrigger));
        Assert.Throws<ArgumentNullException>("builder", () => nil.OnAuth("n", NoAuthTrigger));
        Assert.Throws<ArgumentNullException>("builder", () => nil.OnAuth<AuthRecordingTrigger>());
        Assert.Throws<ArgumentNullException>("builder", () => nil.OnAuth<AuthRecordingTrigger>("n"));
        Assert.Throws<ArgumentNullException>("builder", () => nil.OnDisconnect(NoSessionTrigger));
        Assert.Throws<ArgumentNullException>("builder", () => nil.OnDisconnect("n", NoSessionTrigger));
        Assert.Throws<ArgumentNullException>("builder", () => nil.OnDisconnect<RecordingTrigger>());
        Assert.Throws<ArgumentNullException>("builder", () => nil.OnDisconnect<RecordingTrigger>("n"));
        Assert.Throws<ArgumentNullException>("builder", () => nil.OnAccessDenied(NoDeniedTrigger));
        Assert.Throws<ArgumentNullException>("builder", () => nil.OnAccessDenied("n", NoDeniedTrigger));
        Assert.Throws<ArgumentNullException>("builder", () => nil.OnAccessDenied<DeniedRecordingTrigger>());
        Assert.Throws<ArgumentNullException>("builder", () => nil.OnAccessDenied<DeniedRecordingTrigger>("n"));
        Assert.Throws<ArgumentNullException>("builder", () => nil.AddUser("alice", "pw"));
        Assert.Throws<ArgumentNullException>("builder", () => nil.UseUserDirectory<FastUserDirectory>());
        Assert.Throws<ArgumentNullException>("builder", () => nil.ConfigureSu(_ => true));

        Assert.Throws<ArgumentNullException>("trigger", () => builder.OnConnect(null!));
        Assert.Throws<ArgumentNullException>("trigger", () => builder.OnConnect("n", null!));
        Assert.Throws<ArgumentNullException>("trigger", () => builder.OnAuth(null!));
        Assert.Throws<ArgumentNullException>("trigger", () => builder.OnAuth("n", null!));
        Assert.Throws<ArgumentNullException>("trigger", () => builder.OnDisconnect(null!));
        Assert.Throws<ArgumentNullException>("trigger", () => builder.OnDisconnect("n", null!));
        Assert.Throws<ArgumentNullException>("trigger", () => builder.OnAccessDenied(null!));
        Assert.Throws<ArgumentNullException>("trigger", () => builder.OnAccessDenied("n", null!));

        Assert.Throws<ArgumentNullException>("name", () => builder.OnConnect(null!, NoSessionTrigger));
        Assert.Throws<ArgumentException>("name", () => builder.OnConnect(" ", NoSessionTrigger));
        Assert.Throws<ArgumentException>("name", () => builder.OnAuth("a\nb", NoAuthTrigger));
        Assert.Throws<ArgumentException>("name", () => builder.OnDisconnect(new string('x', 257), NoSessionTrigger));
        Assert.Throws<ArgumentException>("name", () => builder.OnAccessDenied(string.Empty, NoDeniedTrigger));
        Assert.Throws<ArgumentException>("name", () => builder.OnConnect<RecordingTrigger>(" "));
        Assert.Throws<ArgumentNullException>("name", () => builder.OnDisconnect<RecordingTrigger>(null!));
        Assert.Throws<ArgumentException>("name", () => builder.OnAuth<AuthRecordingTrigger>("\t"));
        Assert.Throws<ArgumentException>("name", () => builder.OnAccessDenied<DeniedRecordingTrigger>(string.Empty));

        Assert.Throws<ArgumentNullException>("name", () => builder.AddUser(null!, "pw"));
        Assert.Throws<ArgumentException>("name", () => builder.AddUser("  ", "pw"));
        Assert.Throws<ArgumentNullException>("password", () => builder.AddUser("alice", null!));
        Assert.Throws<ArgumentNullException>("policy", () => builder.ConfigureSu(null!));
    }

    [Fact]
    public void Builder_Methods_ReturnTheSameBuilderForChaining()
    {
        var builder = new ServiceCollection().AddSessions();

        builder.OnConnect(NoSessionTrigger).Should().BeSameAs(builder);
        builder.OnAuth<AuthRecordingTrigger>().Should().BeSameAs(builder);
        builder.AddUser("alice", "pw").Should().BeSameAs(builder);
        builder.UseUserDirectory<InMemoryUserDirectory>().Should().BeSameAs(builder);
        builder.ConfigureSu(SwitchUserRequest.AdminOnly).Should().BeSameAs(builder);
    }

    [Fact]
    public async Task OnConnect_Delegates_RunNewestRegisteredFirst_AndNamedOnesCarryTheirNames()
    {
        var order = new List<string>();
        var services = new ServiceCollection();
        services.AddSessions()
            .OnConnect(_ => Record(order, "first"))
            .OnConnect("second", _ => Record(order, "second"));
        await using var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<SessionManager>();

        await manager.ConnectAsync(SessionType.Binary);

        order.Should().Equal("second", "first");
        manager.OnConnect.Select(t => t.Name).Should().Equal("second", null);
    }

    [Fact]
    public void SameUnnamedDelegateRegisteredTwice_IsAddedOnce_SameNameTwice_IsReplacedInPlace()
    {
        Func<SessionTriggerContext, ValueTask> replacement = _ => default;
        var services = new ServiceCollection();
        services.AddSessions()
            .OnDisconnect(NoSessionTrigger)
            .OnDisconnect(NoSessionTrigger)
            .OnDisconnect("cleanup", NoSessionTrigger)
            .OnDisconnect("other", NoSessionTrigger)
            .OnDisconnect("cleanup", replacement);
        using var provider = services.BuildServiceProvider();

        var manager = provider.GetRequiredService<SessionManager>();

        manager.OnDisconnect.Select(t => t.Name).Should().Equal("other", "cleanup", null);
        manager.OnDisconnect.Single(t => t.Name == "cleanup").Handler.Should().BeSameAs(replacement);
    }

    [Fact]
    public async Task OnAuth_OnDisconnect_OnAccessDenied_Delegates_RunForTheirEvents()
    {
        var events = new ConcurrentQueue<string>();
        var services = new ServiceCollection();
        services.AddSingleton<IUserDirectory>(Users());
        services.AddSessions()
            .OnAuth(c => Record(events, $"auth {c.UserName} {c.Succeeded}"))
            .OnDisconnect(c => Record(events, $"disconnect {c.Session.Id}"))
            .OnAccessDenied(c => Record(events, $"denied {c.Access} {c.ObjectName} {c.UserName}"));
        await using var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<SessionManager>();
        var session = await manager.ConnectAsync(SessionType.Binary);

        await manager.AuthenticateAsync(session, "alice", "secret");
        using (manager.Enter(session, 1))
        {
            var su = () => manager.Su("bob");
            su.Should().Throw<AccessDeniedException>();
        }

        await manager.DisconnectAsync(session);

        events.Should().Equal("auth alice True", "denied Su bob alice", $"disconnect {session.Id}");
    }

    [Fact]
    public async Task ClassTrigger_IsResolvedFromANewScopePerRun_AndTheScopeIsDisposedAfterTheRun()
    {
        var probe = new Probe();
        var services = new ServiceCollection();
        services.AddSingleton(probe);
        services.AddScoped<ScopedDependency>();
        services.AddSessions().OnConnect<RecordingTrigger>();
        await using var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<SessionManager>();

        var first = await manager.ConnectAsync(SessionType.Binary);
        var second = await manager.ConnectAsync(SessionType.Console);

        probe.Runs.Should().HaveCount(2);
        probe.Runs.Select(r => r.SessionId).Should().Equal(first.Id, second.Id);
        probe.Runs.Select(r => r.CurrentId).Should().Equal(first.Id, second.Id);
        probe.Runs.Select(r => r.Trigger).Distinct().Should().HaveCount(2, "a transient trigger is resolved anew for every run");
        probe.Runs.Select(r => r.Dependency).Distinct().Should().HaveCount(2, "every run gets its own scope");
        probe.Runs.Should().OnlyContain(r => !r.DependencyDisposedDuringRun);
        probe.Runs.Should().OnlyContain(r => r.Dependency.Disposed && r.Trigger.Disposed, "the scope is disposed when the run ends");
    }

    [Fact]
    public async Task ClassTrigger_IsNamedAfterItsType_OrTheGivenName()
    {
        var services = new ServiceCollection();
        services.AddSingleton(new Probe());
        services.AddScoped<ScopedDependency>();
        services.AddSessions()
            .OnConnect<RecordingTrigger>()
            .OnDisconnect<RecordingTrigger>("audit")
            .OnAuth<AuthRecordingTrigger>()
            .OnAccessDenied<DeniedRecordingTrigger>()
            .OnConnect<GenericTrigger<string>>();
        await using var provider = services.BuildServiceProvider();

        var manager = provider.GetRequiredService<SessionManager>();

        manager.OnConnect.Select(t => t.Name).Should().Equal(
            "SessionKit.Tests.DependencyInjection.SessionsBuilderExtensionsTests+GenericTrigger<String>",
            "SessionKit.Tests.DependencyInjection.SessionsBuilderExtensionsTests+RecordingTrigger");
        manager.OnDisconnect.Select(t => t.Name).Should().Equal("audit");
        manager.OnAuth.Select(t => t.Name).Should().Equal("SessionKit.Tests.DependencyInjection.SessionsBuilderExtensionsTests+AuthRecordingTrigger");
        manager.OnAccessDenied.Select(t => t.Name).Should().Equal("SessionKit.Tests.DependencyInjection.SessionsBuilderExtensionsTests+DeniedRecordingTrigger");
    }

    [Fact]
    public async Task ClassTrigger_RegisteredTwice_IsAddedOnce()
    {
        var probe = new Probe();
        var services = new ServiceCollection();
        services.AddSingleton(probe);
        services.AddScoped<ScopedDependency>();
        services.AddSessions().OnConnect<RecordingTrigger>().OnConnect<RecordingTrigger>();
        await using var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<SessionManager>();

        await manager.ConnectAsync(SessionType.Binary);

        manager.OnConnect.Count.Should().Be(1);
        probe.Runs.Should().HaveCount(1);
        services.Count(d => d.ServiceType == typeof(RecordingTrigger)).Should().Be(1);
    }

    [Fact]
    public async Task ClassTrigger_RegisteredByTheHostBefore_KeepsTheHostsLifetime()
    {
        var probe = new Probe();
        var services = new ServiceCollection();
        services.AddSingleton(probe);
        services.AddScoped<ScopedDependency>();
        services.AddSingleton<SingletonCountingTrigger>();
        services.AddSessions().OnConnect<SingletonCountingTrigger>();
        await using var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<SessionManager>();

        await manager.ConnectAsync(SessionType.Binary);
        await manager.ConnectAsync(SessionType.Binary);

        provider.GetRequiredService<SingletonCountingTrigger>().Runs.Should().Be(2);
    }

    [Fact]
    public async Task ClassTriggers_OfEveryList_ReceiveTheirContexts()
    {
        var probe = new Probe();
        var services = new ServiceCollection();
        services.AddSingleton(probe);
        services.AddScoped<ScopedDependency>();
        services.AddSingleton<IUserDirectory>(Users());
        services.AddSessions()
            .OnAuth<AuthRecordingTrigger>()
            .OnDisconnect<RecordingTrigger>()
            .OnAccessDenied<DeniedRecordingTrigger>();
        await using var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<SessionManager>();
        var session = await manager.ConnectAsync(SessionType.Binary);

        await manager.AuthenticateAsync(session, "alice", "secret");
        using (manager.Enter(session, 5))
        {
            var su = () => manager.Su("admin");
            su.Should().Throw<AccessDeniedException>();
        }

        await manager.DisconnectAsync(session);

        probe.Events.Should().Equal("auth alice True sync 0", "denied Su admin alice", $"disconnect? {session.Id}");
    }

    [Fact]
    public async Task ClassTrigger_OnConnectFailure_RefusesTheConnection()
    {
        var services = new ServiceCollection();
        services.AddSessions().OnConnect<FailingTrigger>();
        await using var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<SessionManager>();

        var act = async () => await manager.ConnectAsync(SessionType.Binary);

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("refused by FailingTrigger");
        manager.Count.Should().Be(0);
    }

    private static FastUserDirectory Users()
    {
        var users = new FastUserDirectory();
        users.Add("alice");
        users.Add("bob");
        return users;
    }

    private static ValueTask Record(ICollection<string> log, string entry)
    {
        lock (log)
        {
            log.Add(entry);
        }

        return default;
    }

    private static ValueTask Record(ConcurrentQueue<string> log, string entry)
    {
        log.Enqueue(entry);
        return default;
    }
}
