using System.Collections.Concurrent;

using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.Internal.Users;

public sealed class UserIndexTests : ResourceTestBase
{
    [Fact]
    public async Task SessionsOf_AfterAuthentication_ListsTheUsersSessionsOldestFirst()
    {
        var (a1, _) = await ConnectAsync("alice");
        var (b1, _) = await ConnectAsync("bob");
        var (a2, _) = await ConnectAsync("alice");

        Manager.Users.SessionsOf("alice").Should().Equal(a1, a2);
        Manager.Users.SessionsOf("bob").Should().Equal(b1);
        Manager.Users.SessionsOf("carol").Should().BeEmpty();
        Manager.Users.IsOnline("alice").Should().BeTrue();
        Manager.Users.IsOnline("carol").Should().BeFalse();
    }

    [Fact]
    public async Task SessionsOf_GuestSessions_AreNotIndexed()
    {
        await ConnectAsync();
        Manager.Users.SessionsOf("guest").Should().BeEmpty();
        Manager.Count.Should().Be(1);
    }

    [Fact]
    public async Task SessionsOf_IsASnapshot_NotALiveView()
    {
        var (a1, _) = await ConnectAsync("alice");
        var snapshot = Manager.Users.SessionsOf("alice");
        await ConnectAsync("alice");
        await Manager.DisconnectAsync(a1);

        snapshot.Should().Equal(a1);
        Manager.Users.SessionsOf("alice").Should().HaveCount(1).And.NotContain(a1);
    }

    [Fact]
    public async Task Reauthentication_RekeysTheSessionAtomically()
    {
        var (session, _) = await ConnectAsync("alice");
        await Manager.AuthenticateAsync(session, "bob", "secret");

        Manager.Users.SessionsOf("alice").Should().BeEmpty();
        Manager.Users.SessionsOf("bob").Should().Equal(session);
    }

    [Fact]
    public async Task ChangeUser_RekeysTheSession_ButSuDoesNot()
    {
        var session = await Manager.ConnectAsync(new ConnectOptions { User = "admin" });
        using (Manager.Enter(session, 1))
        {
            using (Manager.Su("alice"))
            {
                Manager.Users.SessionsOf("alice").Should().BeEmpty("Su changes only the effective user of one flow");
                Manager.Users.SessionsOf("admin").Should().Equal(session);
            }

            Manager.ChangeUser("alice");
        }

        Manager.Users.SessionsOf("admin").Should().BeEmpty();
        Manager.Users.SessionsOf("alice").Should().Equal(session);
    }

    [Fact]
    public async Task OnlineAndOffline_FireForTheFirstArrivalAndTheLastDeparture()
    {
        var events = new ConcurrentQueue<string>();
        Manager.Users.OnUserOnline.Add(c => { events.Enqueue($"online {c.UserName} {c.Session.Id}"); return default; });
        Manager.Users.OnUserOffline.Add(c => { events.Enqueue($"offline {c.UserName} {c.Session.Id}"); return default; });

        var (a1, _) = await ConnectAsync("alice");
        var (a2, _) = await ConnectAsync("alice");
        await Manager.DisconnectAsync(a1);
        events.Should().Equal($"online alice {a1.Id}");

        await Manager.DisconnectAsync(a2);
        events.Should().Equal($"online alice {a1.Id}", $"offline alice {a2.Id}");
        Manager.Users.IsOnline("alice").Should().BeFalse();
    }

    [Fact]
    public async Task OnUserOffline_SeesTheUserAlreadyGone()
    {
        bool? onlineInsideTrigger = null;
        Manager.Users.OnUserOffline.Add(c => { onlineInsideTrigger = Manager.Users.IsOnline(c.UserName); return default; });
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

        Manager.Users.SessionsOf("alice", "a.example").Should().Equal(onA);
        Manager.Users.SessionsOf("alice", "b.example").Should().Equal(onB);
        Manager.Users.SessionsOf("alice").Should().Equal(none);
        onA.BareAddress.Should().Be("alice@a.example");
        none.BareAddress.Should().Be("alice");
    }

    [Fact]
    public async Task UserStorage_IsSharedByAllSessions_AndDroppedWithTheLast()
    {
        var key = new SessionKey<string>("roster");
        var (a1, _) = await ConnectAsync("alice");
        Manager.Users.StorageOf("alice")!.Set(key, "bob, carol");
        var (a2, _) = await ConnectAsync("alice");
        Manager.Users.StorageOf("alice")!.Get(key).Should().Be("bob, carol");

        var shared = Manager.Users.StorageOf("alice")!;
        await Manager.DisconnectAsync(a1);
        Manager.Users.StorageOf("alice")!.Should().BeSameAs(shared);
        await Manager.DisconnectAsync(a2);

        Manager.Users.StorageOf("alice").Should().BeNull();
        shared.Count.Should().Be(0, "the user entry and its values are dropped with the last session");
        var (a3, _) = await ConnectAsync("alice");
        Manager.Users.StorageOf("alice")!.Get(key).Should().BeNull("a new user entry starts empty");
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
        Manager.Users.SessionsOf("alice").Concat(Manager.Users.SessionsOf("bob")).Should().BeEquivalentTo(live);
        Manager.Users.SessionsOf("alice").Should().OnlyContain(s => s.User.Name == "alice");

        foreach (var session in kept)
        {
            await Manager.DisconnectAsync(session);
        }

        Manager.Count.Should().Be(0);
        Manager.Users.IsOnline("alice").Should().BeFalse();
        Manager.Users.IsOnline("bob").Should().BeFalse();
    }
}
