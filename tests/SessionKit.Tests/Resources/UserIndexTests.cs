using System.Collections.Concurrent;

namespace SessionKit.Tests.Resources;

public sealed class UserIndexTests : ResourceTestBase
{
    [Fact]
    public async Task SessionsOf_AfterAuthentication_ListsTheUsersSessionsOldestFirst()
    {
        var (a1, _) = await ConnectAsync("alice");
        var (b1, _) = await ConnectAsync("bob");
        var (a2, _) = await ConnectAsync("alice");

        Manager.SessionsOf("alice").Should().Equal(a1, a2);
        Manager.SessionsOf("bob").Should().Equal(b1);
        Manager.SessionsOf("carol").Should().BeEmpty();
        Manager.IsOnline("alice").Should().BeTrue();
        Manager.IsOnline("carol").Should().BeFalse();
    }

    [Fact]
    public async Task SessionsOf_GuestSessions_AreNotIndexed()
    {
        await ConnectAsync();
        Manager.SessionsOf("guest").Should().BeEmpty();
        Manager.Count.Should().Be(1);
    }

    [Fact]
    public async Task SessionsOf_IsASnapshot_NotALiveView()
    {
        var (a1, _) = await ConnectAsync("alice");
        var snapshot = Manager.SessionsOf("alice");
        await ConnectAsync("alice");
        await Manager.DisconnectAsync(a1);

        snapshot.Should().Equal(a1);
        Manager.SessionsOf("alice").Should().HaveCount(1).And.NotContain(a1);
    }

    [Fact]
    public async Task Reauthentication_RekeysTheSessionAtomically()
    {
        var (session, _) = await ConnectAsync("alice");
        await Manager.AuthenticateAsync(session, "bob", "secret");

        Manager.SessionsOf("alice").Should().BeEmpty();
        Manager.SessionsOf("bob").Should().Equal(session);
    }

    [Fact]
    public async Task ChangeUser_RekeysTheSession_ButSuDoesNot()
    {
        var session = await Manager.ConnectAsync(new ConnectOptions { User = "admin" });
        using (Manager.Enter(session, 1))
        {
            using (Manager.Su("alice"))
            {
                Manager.SessionsOf("alice").Should().BeEmpty("Su changes only the effective user of one flow");
                Manager.SessionsOf("admin").Should().Equal(session);
            }

            Manager.ChangeUser("alice");
        }

        Manager.SessionsOf("admin").Should().BeEmpty();
        Manager.SessionsOf("alice").Should().Equal(session);
    }

    [Fact]
    public async Task OnlineAndOffline_FireForTheFirstArrivalAndTheLastDeparture()
    {
        var events = new ConcurrentQueue<string>();
        Manager.OnUserOnline.Add(c => { events.Enqueue($"online {c.UserName} {c.Session.Id}"); return default; });
        Manager.OnUserOffline.Add(c => { events.Enqueue($"offline {c.UserName} {c.Session.Id}"); return default; });

        var (a1, _) = await ConnectAsync("alice");
        var (a2, _) = await ConnectAsync("alice");
        await Manager.DisconnectAsync(a1);
        events.Should().Equal($"online alice {a1.Id}");

        await Manager.DisconnectAsync(a2);
        events.Should().Equal($"online alice {a1.Id}", $"offline alice {a2.Id}");
        Manager.IsOnline("alice").Should().BeFalse();
    }

    [Fact]
    public async Task OnUserOffline_SeesTheUserAlreadyGone()
    {
        bool? onlineInsideTrigger = null;
        Manager.OnUserOffline.Add(c => { onlineInsideTrigger = Manager.IsOnline(c.UserName); return default; });
        var (a1, _) = await ConnectAsync("alice");
        await Manager.DisconnectAsync(a1);
        onlineInsideTrigger.Should().BeFalse();
    }

    [Fact]
    public async Task Hosts_KeepSeparateIndexes()
    {
        var (onA, _) = await ConnectAsync("alice", host: "a.example");
        var (onB, _) = await ConnectAsync("alice", host: "b.example");
        var (none, _) = await ConnectAsync("alice");

        Manager.SessionsOf("alice", "a.example").Should().Equal(onA);
        Manager.SessionsOf("alice", "b.example").Should().Equal(onB);
        Manager.SessionsOf("alice").Should().Equal(none);
        onA.BareAddress.Should().Be("alice@a.example");
        none.BareAddress.Should().Be("alice");
    }

    [Fact]
    public async Task UserStorage_IsSharedByAllSessions_AndDroppedWithTheLast()
    {
        var key = new SessionKey<string>("roster");
        var (a1, _) = await ConnectAsync("alice");
        Manager.UserStorage("alice")!.Set(key, "bob, carol");
        var (a2, _) = await ConnectAsync("alice");
        Manager.UserStorage("alice")!.Get(key).Should().Be("bob, carol");

        var shared = Manager.UserStorage("alice")!;
        await Manager.DisconnectAsync(a1);
        Manager.UserStorage("alice")!.Should().BeSameAs(shared);
        await Manager.DisconnectAsync(a2);

        Manager.UserStorage("alice").Should().BeNull();
        shared.Count.Should().Be(0, "the user entry and its values are dropped with the last session");
        var (a3, _) = await ConnectAsync("alice");
        Manager.UserStorage("alice")!.Get(key).Should().BeNull("a new user entry starts empty");
        a3.State.Should().Be(SessionState.Open);
    }

    [Fact]
    public async Task ConcurrentConnectAuthenticateDisconnect_IndexAlwaysEqualsTheLiveAuthenticatedSet()
    {
        const int Workers = 16;
        const int Rounds = 50;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var kept = new ConcurrentBag<Session>();
        var tasks = Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
        {
            await start.Task;
            var user = w % 2 == 0 ? "alice" : "bob";
            for (var i = 0; i < Rounds; i++)
            {
                var (session, _) = await ConnectAsync(user);
                if (i % 5 == 0)
                {
                    kept.Add(session);
                }
                else
                {
                    await Manager.DisconnectAsync(session);
                }
            }
        })).ToArray();
        start.SetResult();
        await Task.WhenAll(tasks);

        var live = Manager.GetSessions();
        live.Should().HaveCount(kept.Count);
        Manager.SessionsOf("alice").Concat(Manager.SessionsOf("bob")).Should().BeEquivalentTo(live);
        Manager.SessionsOf("alice").Should().OnlyContain(s => s.User.Name == "alice");

        foreach (var session in kept)
        {
            await Manager.DisconnectAsync(session);
        }

        Manager.Count.Should().Be(0);
        Manager.IsOnline("alice").Should().BeFalse();
        Manager.IsOnline("bob").Should().BeFalse();
    }
}
