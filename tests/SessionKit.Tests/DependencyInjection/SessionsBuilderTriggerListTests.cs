using Microsoft.Extensions.DependencyInjection;

namespace SessionKit.Tests.DependencyInjection;

/// <summary>Each of the manager's trigger lists, registered through the builder and run by its real event.</summary>
public sealed class SessionsBuilderTriggerListTests
{
    private static readonly ConnectOptions AsAlice = new() { User = "alice" };

    private static readonly Dictionary<string, TriggerListScenario> Scenarios = new()
    {
        ["OnConnect"] = TriggerListScenario.For<SessionTriggerContext>(
            (b, d, n) => b.OnConnect(d).OnConnect("named delegate", n)
                .OnConnect<RecordingListTrigger<SessionTriggerContext>>().OnConnect<RecordingListTrigger<SessionTriggerContext>>("named class"),
            m => m.OnConnect,
            c => $"{c.Session.Id}",
            async m => $"{(await m.ConnectAsync(SessionType.Binary)).Id}"),
        ["OnAuth"] = TriggerListScenario.For<AuthTriggerContext>(
            (b, d, n) => b.OnAuth(d).OnAuth("named delegate", n)
                .OnAuth<RecordingListTrigger<AuthTriggerContext>>().OnAuth<RecordingListTrigger<AuthTriggerContext>>("named class"),
            m => m.OnAuth,
            c => $"{c.Session.Id} {c.UserName} {c.Succeeded}",
            async m =>
            {
                var session = await m.ConnectAsync(SessionType.Binary);
                await m.AuthenticateAsync(session, "alice", "pw");
                return $"{session.Id} alice True";
            }),
        ["OnDisconnect"] = TriggerListScenario.For<SessionTriggerContext>(
            (b, d, n) => b.OnDisconnect(d).OnDisconnect("named delegate", n)
                .OnDisconnect<RecordingListTrigger<SessionTriggerContext>>().OnDisconnect<RecordingListTrigger<SessionTriggerContext>>("named class"),
            m => m.OnDisconnect,
            c => $"{c.Session.Id} {c.Session.State}",
            async m =>
            {
                var session = await m.ConnectAsync(SessionType.Binary);
                await m.DisconnectAsync(session);
                return $"{session.Id} {SessionState.Closed}";
            }),
        ["OnAccessDenied"] = TriggerListScenario.For<AccessDeniedTriggerContext>(
            (b, d, n) => b.OnAccessDenied(d).OnAccessDenied("named delegate", n)
                .OnAccessDenied<RecordingListTrigger<AccessDeniedTriggerContext>>().OnAccessDenied<RecordingListTrigger<AccessDeniedTriggerContext>>("named class"),
            m => m.OnAccessDenied,
            c => $"{c.Access} {c.ObjectName} {c.UserName}",
            async m =>
            {
                var session = await m.ConnectAsync(AsAlice);
                using (m.Enter(session))
                {
                    Assert.Throws<AccessDeniedException>(() => m.Su("admin"));
                }

                return "Su admin alice";
            }),
        ["OnUserOnline"] = TriggerListScenario.For<UserPresenceContext>(
            (b, d, n) => b.OnUserOnline(d).OnUserOnline("named delegate", n)
                .OnUserOnline<RecordingListTrigger<UserPresenceContext>>().OnUserOnline<RecordingListTrigger<UserPresenceContext>>("named class"),
            m => m.Users.OnUserOnline,
            c => $"{c.UserName} {c.Session.Id}",
            async m =>
            {
                var session = await m.ConnectAsync(SessionType.Binary);
                await m.AuthenticateAsync(session, "alice", "pw");
                return $"alice {session.Id}";
            }),
        ["OnUserOffline"] = TriggerListScenario.For<UserPresenceContext>(
            (b, d, n) => b.OnUserOffline(d).OnUserOffline("named delegate", n)
                .OnUserOffline<RecordingListTrigger<UserPresenceContext>>().OnUserOffline<RecordingListTrigger<UserPresenceContext>>("named class"),
            m => m.Users.OnUserOffline,
            c => $"{c.UserName} {c.Session.Id}",
            async m =>
            {
                var session = await m.ConnectAsync(AsAlice);
                await m.DisconnectAsync(session);
                return $"alice {session.Id}";
            }),
        ["OnSessionEvicted"] = TriggerListScenario.For<SessionEvictedContext>(
            (b, d, n) => b.OnSessionEvicted(d).OnSessionEvicted("named delegate", n)
                .OnSessionEvicted<RecordingListTrigger<SessionEvictedContext>>().OnSessionEvicted<RecordingListTrigger<SessionEvictedContext>>("named class"),
            m => m.Users.OnSessionEvicted,
            c => $"{c.Evicted.Id} for {c.Newcomer.Id}",
            async m =>
            {
                var oldest = await m.ConnectAsync(AsAlice);
                var newcomer = await m.ConnectAsync(AsAlice);
                return $"{oldest.Id} for {newcomer.Id}";
            },
            o =>
            {
                o.MaxSessionsPerUser = _ => 1;
                o.SessionLimitPolicy = SessionLimitPolicy.EvictOldest;
            }),
        ["OnPreResourceBind"] = TriggerListScenario.For<PreResourceBindContext>(
            (b, d, n) => b.OnPreResourceBind(d).OnPreResourceBind("named delegate", n)
                .OnPreResourceBind<RecordingListTrigger<PreResourceBindContext>>().OnPreResourceBind<RecordingListTrigger<PreResourceBindContext>>("named class"),
            m => m.Users.OnPreResourceBind,
            c => $"{c.Session.Id} {c.Resource}",
            async m =>
            {
                var session = await m.ConnectAsync(AsAlice);
                await m.Users.BindResourceAsync(session, "phone");
                return $"{session.Id} phone";
            }),
        ["OnResourceBind"] = TriggerListScenario.For<ResourceBindContext>(
            (b, d, n) => b.OnResourceBind(d).OnResourceBind("named delegate", n)
                .OnResourceBind<RecordingListTrigger<ResourceBindContext>>().OnResourceBind<RecordingListTrigger<ResourceBindContext>>("named class"),
            m => m.Users.OnResourceBind,
            c => $"{c.Session.Id} {c.Resource}",
            async m =>
            {
                var session = await m.ConnectAsync(AsAlice);
                await m.Users.BindResourceAsync(session, "phone");
                return $"{session.Id} phone";
            }),
        ["OnResourceUnbind"] = TriggerListScenario.For<ResourceBindContext>(
            (b, d, n) => b.OnResourceUnbind(d).OnResourceUnbind("named delegate", n)
                .OnResourceUnbind<RecordingListTrigger<ResourceBindContext>>().OnResourceUnbind<RecordingListTrigger<ResourceBindContext>>("named class"),
            m => m.Users.OnResourceUnbind,
            c => $"{c.Session.Id} {c.Resource}",
            async m =>
            {
                var session = await m.ConnectAsync(AsAlice);
                await m.Users.BindResourceAsync(session, "phone");
                await m.DisconnectAsync(session);
                return $"{session.Id} phone";
            }),
        ["OnSessionClosing"] = TriggerListScenario.For<SessionClosingContext>(
            (b, d, n) => b.OnSessionClosing(d).OnSessionClosing("named delegate", n)
                .OnSessionClosing<RecordingListTrigger<SessionClosingContext>>().OnSessionClosing<RecordingListTrigger<SessionClosingContext>>("named class"),
            m => m.Admin.OnSessionClosing,
            c => $"{c.Session.Id} {c.Reason.Condition}",
            async m =>
            {
                var session = await m.ConnectAsync(SessionType.Binary);
                (await m.Admin.KickAsync(session.Id)).Should().BeTrue();
                return $"{session.Id} {SessionCloseReason.Kicked.Condition}";
            }),
    };

    public static TheoryData<string> Lists => [.. Scenarios.Keys];

    [Fact]
    public void EveryReachableTriggerList_HasAScenarioHere()
    {
        Scenarios.Keys.Should().BeEquivalentTo(ReachableTriggerLists.All.Select(l => l.Name));
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task EveryForm_LandsInItsList_AndRunsForItsEvent(string list)
    {
        var scenario = Scenarios[list];
        var probe = new TriggerRunProbe(scenario.Describe);
        await using var provider = scenario.BuildProvider(probe);
        var manager = provider.GetRequiredService<SessionManager>();

        scenario.Names(manager).Should().Equal(["named class", scenario.ClassName, "named delegate", null], "each form lands in this list, newest first");
        ReachableTriggerLists.All.Sum(l => l.CountIn(manager)).Should().Be(4, "the builder adds to the selected list only");

        var expected = await scenario.Drive(manager);
        await probe.Reached.WaitAsync(TimeSpan.FromMinutes(1));

        probe.Runs.Should().Equal([$"class {expected}", $"class {expected}", $"named delegate {expected}", $"delegate {expected}"], "the trigger registered last runs first");
        probe.Dependencies.Distinct().Should().HaveCount(2, "each class run was resolved from its own scope, with its scoped dependency");
        probe.DependencyDisposedDuringRun.Should().BeFalse();
    }
}
