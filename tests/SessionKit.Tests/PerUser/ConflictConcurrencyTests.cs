using System.Collections.Concurrent;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.PerUser;

/// <summary>Many sessions of one user bind the same resource at once, under each policy (xmpp-sessions.md §3 case 60).</summary>
public sealed class ConflictConcurrencyTests
{
    private const int Binders = 24;

    [Fact] // xmpp-sessions.md §3 case 60: replacements in flight at once; the resource never has two owners
    public async Task Case60_ManyBindsOfOneResourceReleasedAtOnce_NeverTwoOwners_ListedOnce_ExactCounts()
    {
        var users = new FastUserDirectory();
        users.Add("alice");
        await using var manager = new SessionManager(directory: users);
        var connections = new Dictionary<Session, RecordingConnection>();
        for (var i = 0; i < Binders; i++)
        {
            var connection = new RecordingConnection();
            var session = await manager.ConnectAsync(new ConnectOptions { Connection = connection });
            await manager.AuthenticateAsync(session, "alice", "secret");
            connections[session] = connection;
        }

        var sessions = connections.Keys.ToArray();
        var bindEvents = 0;
        var unbinds = new ConcurrentQueue<string?>();
        var overlaps = new ConcurrentQueue<ulong>();
        manager.Users.OnResourceBind.Add(c =>
        {
            Interlocked.Increment(ref bindEvents);

            // Every session that took "home" before this one was closed before this bind, and any that takes it
            // later closes this one first. So another open owner seen now means two owners at once, unless this
            // session has been replaced meanwhile (read after the scan: states only move forward).
            var otherOpenOwner = sessions.Any(s => s != c.Session && s.Resource == "home" && s.State == SessionState.Open);
            if (otherOpenOwner && c.Session.State == SessionState.Open)
            {
                overlaps.Enqueue(c.Session.Id);
            }

            return default;
        });
        manager.Users.OnResourceUnbind.Add(c =>
        {
            unbinds.Enqueue(c.Reason?.Condition);
            return default;
        });

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var done = 0;
        var snapshots = new List<KeyValuePair<string, Session>[]>();
        var observer = Task.Run(async () =>
        {
            await gate.Task;
            while (Volatile.Read(ref done) == 0)
            {
                snapshots.Add([.. manager.Users.ResourcesOf("alice")]);
                await Task.Yield();
            }

            snapshots.Add([.. manager.Users.ResourcesOf("alice")]);
        });
        var binds = sessions.Select(session => Task.Run(async () =>
        {
            await gate.Task;
            return await manager.Users.BindResourceAsync(session, "home");
        })).ToArray();
        gate.SetResult();
        var results = await Task.WhenAll(binds).WaitAsync(TimeSpan.FromMinutes(1));
        Volatile.Write(ref done, 1);
        await observer.WaitAsync(TimeSpan.FromMinutes(1));

        // Every bind took the resource in its turn (kick_old closes only owners, never a session still binding).
        results.Should().OnlyContain(r => r == "home");
        overlaps.Should().BeEmpty("no two open sessions own the resource at once");

        // Listed once at every moment, and an owner that was replaced never comes back.
        snapshots.Should().OnlyContain(s => s.Length <= 1 && s.All(p => p.Key == "home"));
        var owners = snapshots.Where(s => s.Length == 1).Select(s => s[0].Value).ToList();
        var changes = owners.Where((o, i) => i == 0 || o != owners[i - 1]).ToList();
        changes.Should().OnlyHaveUniqueItems();

        // Exact counts: one survivor; every other binder bound once, was replaced once (conflict) and unbound once.
        var survivor = sessions.Should().ContainSingle(s => s.State == SessionState.Open).Subject;
        manager.Users.ResourcesOf("alice").Select(p => (p.Key, p.Value)).Should().Equal(("home", survivor));
        owners[^1].Should().BeSameAs(survivor);
        manager.Users.SessionsOf("alice").Should().Equal(survivor);
        bindEvents.Should().Be(Binders);
        unbinds.Should().HaveCount(Binders - 1).And.OnlyContain(c => c == "conflict");
        connections[survivor].Closes.Should().BeEmpty();
        sessions.Where(s => s != survivor).Should().OnlyContain(s => s.State == SessionState.Destroyed && connections[s].Closes.SequenceEqual(new[] { SessionCloseReason.Replaced }));
    }

    [Theory]
    [InlineData(ResourceConflictPolicy.KickOld)]
    [InlineData(ResourceConflictPolicy.RejectNew)]
    [InlineData(ResourceConflictPolicy.Increment)]
    [InlineData(ResourceConflictPolicy.Random)]
    public async Task ConcurrentBinds_ExactlyOneOwner_EveryOtherOutcomeAsThePolicySays(ResourceConflictPolicy policy)
    {
        var users = new FastUserDirectory();
        users.Add("alice");
        await using var manager = new SessionManager(new SessionManagerOptions { ResourceConflictPolicy = policy }, users);
        var sessions = new List<Session>();
        for (var i = 0; i < Binders; i++)
        {
            var session = await manager.ConnectAsync(new ConnectOptions { Connection = new RecordingConnection() });
            await manager.AuthenticateAsync(session, "alice", "secret");
            sessions.Add(session);
        }

        var outcomes = new ConcurrentDictionary<Session, string>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = sessions.Select(session => Task.Run(async () =>
        {
            await gate.Task;
            try
            {
                outcomes[session] = "bound " + await manager.Users.BindResourceAsync(session, "home");
            }
            catch (ResourceBindException ex)
            {
                outcomes[session] = "rejected " + ex.Condition;
            }
            catch (SessionClosedException)
            {
                outcomes[session] = "closed";
            }
        })).ToArray();
        gate.SetResult();
        await Task.WhenAll(tasks);

        var owner = manager.Users.FindResource("alice", "home");
        owner.Should().NotBeNull();
        owner!.State.Should().Be(SessionState.Open);
        owner.Resource.Should().Be("home");
        var resources = manager.Users.ResourcesOf("alice");
        resources.Should().OnlyHaveUniqueItems(r => r.Key);
        resources.Should().OnlyContain(r => r.Value.State == SessionState.Open && r.Value.Resource == r.Key, "no index entry is left behind");

        switch (policy)
        {
            case ResourceConflictPolicy.KickOld:
                // Every binder but the owner ended closed: replaced after binding, or closed while binding.
                sessions.Where(s => s != owner).Should().OnlyContain(s => s.State == SessionState.Destroyed);
                resources.Should().ContainSingle();
                manager.Users.SessionsOf("alice").Should().Equal(owner);
                break;
            case ResourceConflictPolicy.RejectNew:
                outcomes.Values.Count(o => o == "bound home").Should().Be(1);
                outcomes.Values.Count(o => o == "rejected conflict").Should().Be(Binders - 1);
                sessions.Should().OnlyContain(s => s.State == SessionState.Open);
                resources.Should().ContainSingle();
                break;
            case ResourceConflictPolicy.Increment:
            case ResourceConflictPolicy.Random:
                outcomes.Values.Should().OnlyContain(o => o.StartsWith("bound ", StringComparison.Ordinal));
                outcomes.Values.Count(o => o == "bound home").Should().Be(1);
                resources.Should().HaveCount(Binders);
                sessions.Select(s => s.Resource).Should().OnlyHaveUniqueItems();
                break;
        }
    }
}
