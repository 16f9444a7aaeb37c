using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.DependencyInjection;

public sealed class SessionsBuilderExtensionsTests
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

    public sealed record Run(ulong SessionId, ulong CurrentId, RecordingTrigger Trigger, ScopedDependency Dependency, bool DependencyDisposedDuringRun);

    public sealed class Probe
    {
        private readonly ConcurrentQueue<Run> _runs = new();
        private readonly ConcurrentQueue<string> _events = new();

        public IReadOnlyList<Run> Runs => _runs.ToArray();

        public IReadOnlyList<string> Events => _events.ToArray();

        public void Add(Run run) => _runs.Enqueue(run);

        public void Add(string text) => _events.Enqueue(text);
    }

    public sealed class ScopedDependency : IAsyncDisposable
    {
        public bool Disposed { get; private set; }

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return default;
        }
    }

    public sealed class RecordingTrigger(Probe probe, ScopedDependency dependency) : ISessionTrigger<SessionTriggerContext>, IDisposable
    {
        public bool Disposed { get; private set; }

        public async ValueTask InvokeAsync(SessionTriggerContext context)
        {
            await Task.Yield();
            var manager = context.Session.Manager;
            if (context.Session.State == SessionState.Open)
            {
                probe.Add(new Run(context.Session.Id, manager.Id, this, dependency, dependency.Disposed));
            }
            else
            {
                probe.Add($"disconnect? {context.Session.Id}");
            }
        }

        public void Dispose() => Disposed = true;
    }

    public sealed class AuthRecordingTrigger(Probe probe) : ISessionTrigger<AuthTriggerContext>
    {
        public ValueTask InvokeAsync(AuthTriggerContext context)
        {
            probe.Add($"auth {context.UserName} {context.Succeeded} sync {context.Session.Manager.Sync}");
            return default;
        }
    }

    public sealed class DeniedRecordingTrigger(Probe probe) : ISessionTrigger<AccessDeniedTriggerContext>
    {
        public ValueTask InvokeAsync(AccessDeniedTriggerContext context)
        {
            probe.Add($"denied {context.Access} {context.ObjectName} {context.UserName}");
            return default;
        }
    }

    public sealed class GenericTrigger<T> : ISessionTrigger<SessionTriggerContext>
    {
        public ValueTask InvokeAsync(SessionTriggerContext context) => default;
    }

    public sealed class SingletonCountingTrigger : ISessionTrigger<SessionTriggerContext>
    {
        private int _runs;

        public int Runs => Volatile.Read(ref _runs);

        public ValueTask InvokeAsync(SessionTriggerContext context)
        {
            Interlocked.Increment(ref _runs);
            return default;
        }
    }

    public sealed class FailingTrigger : ISessionTrigger<SessionTriggerContext>
    {
        public ValueTask InvokeAsync(SessionTriggerContext context) => throw new InvalidOperationException("refused by FailingTrigger");
    }
}
