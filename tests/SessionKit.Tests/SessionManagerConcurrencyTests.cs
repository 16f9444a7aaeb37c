using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging.Testing;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests;

/// <summary>
/// Many flows at once. Every test releases its tasks through a gate (a TaskCompletionSource) so they really overlap,
/// and synchronises with gates, never with sleeps or timing.
/// </summary>
public sealed class SessionManagerConcurrencyTests
{
    private const int Destroyed = 8; // Log.SessionDestroyedId
    private readonly FastUserDirectory _users = new();

    public SessionManagerConcurrencyTests()
    {
        for (var i = 0; i < 10; i++)
        {
            _users.Add($"user{i}", "pw");
        }
    }

    [Fact]
    public async Task ConnectAndDisconnect_1000SessionsFromManyTasks_UniqueIdsEachDestroyedOnce()
    {
        const int total = 1000;
        var logs = new FakeLoggerProvider();
        using var factory = logs.CreateFactory();
        await using var sessions = new SessionManager(directory: _users, loggerFactory: factory);
        var disconnects = new ConcurrentDictionary<ulong, int>();
        sessions.OnDisconnect.Add(c =>
        {
            disconnects.AddOrUpdate(c.Session.Id, 1, (_, n) => n + 1);
            return ValueTask.CompletedTask;
        });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var created = new ConcurrentBag<Session>();

        var workers = Enumerable.Range(0, total).Select(i => Task.Run(async () =>
        {
            await gate.Task;
            var session = await sessions.ConnectAsync(i % 2 == 0 ? SessionType.Binary : SessionType.Console);
            created.Add(session);
            using (sessions.Enter(session, (ulong)i + 1))
            {
                sessions.Storage.Set("owner", i);
                await Task.Yield();
                sessions.Storage.Get("owner").Should().Be(i);
            }

            // Two racing disconnects per session: close is idempotent.
            await Task.WhenAll(sessions.DisconnectAsync(session).AsTask(), Task.Run(() => sessions.DisconnectAsync(session).AsTask()));
        })).ToArray();
        gate.SetResult();
        await Task.WhenAll(workers);

        created.Should().HaveCount(total);
        created.Select(s => s.Id).Should().OnlyHaveUniqueItems().And.OnlyContain(id => id >= 1 && id <= total);
        sessions.Count.Should().Be(0);
        sessions.GetSessions().Should().BeEmpty();
        created.Should().OnlyContain(s => s.State == SessionState.Destroyed && !sessions.Exists(s.Id) && s.Storage.Count == 0);
        disconnects.Should().HaveCount(total).And.OnlyContain(kv => kv.Value == 1);
        var destroyed = logs.Collector.GetSnapshot().Where(r => r.Id.Id == Destroyed).Select(r => ulong.Parse(r.GetStructuredStateValue("SessionId")!, CultureInfo.InvariantCulture)).ToList();
        destroyed.Should().HaveCount(total).And.OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task DisconnectAsync_SameSessionFrom64Tasks_ClosesAndDestroysOnce()
    {
        var logs = new FakeLoggerProvider();
        using var factory = logs.CreateFactory();
        await using var sessions = new SessionManager(directory: _users, loggerFactory: factory);
        var runs = 0;
        sessions.OnDisconnect.Add(async _ =>
        {
            Interlocked.Increment(ref runs);
            await Task.Yield();
        });
        var session = await sessions.ConnectAsync(SessionType.Binary);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var closers = Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
        {
            await gate.Task;
            await sessions.DisconnectAsync(session);
        })).ToArray();
        gate.SetResult();
        await Task.WhenAll(closers);

        // The winning call awaited its own close, so by now the session is destroyed.
        session.State.Should().Be(SessionState.Destroyed);
        runs.Should().Be(1);
        sessions.Count.Should().Be(0);
        logs.Collector.GetSnapshot().Count(r => r.Id.Id == Destroyed).Should().Be(1);
    }

    [Fact]
    public async Task EnterRacingDisconnect_ManySessions_EachDestroyedExactlyOnce()
    {
        var logs = new FakeLoggerProvider();
        using var factory = logs.CreateFactory();
        await using var sessions = new SessionManager(directory: _users, loggerFactory: factory);
        var opened = new List<Session>();
        for (var i = 0; i < 200; i++)
        {
            opened.Add(await sessions.ConnectAsync(SessionType.Binary));
        }

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var refused = 0;
        var requests = opened.Select(s => Task.Run(async () =>
        {
            await gate.Task;
            try
            {
                using (sessions.Enter(s, 1))
                {
                    await Task.Yield();
                    sessions.Exists(s.Id).Should().BeTrue("a session is never destroyed under an open request");
                }
            }
            catch (SessionClosedException)
            {
                Interlocked.Increment(ref refused);
            }
        }));
        var closes = opened.Select(s => Task.Run(async () =>
        {
            await gate.Task;
            await sessions.DisconnectAsync(s);
        }));
        var all = requests.Concat(closes).ToArray();
        gate.SetResult();
        await Task.WhenAll(all);

        sessions.Count.Should().Be(0);
        opened.Should().OnlyContain(s => s.State == SessionState.Destroyed);
        refused.Should().BeInRange(0, 200);
        var destroyed = logs.Collector.GetSnapshot().Where(r => r.Id.Id == Destroyed).Select(r => ulong.Parse(r.GetStructuredStateValue("SessionId")!, CultureInfo.InvariantCulture)).ToList();
        destroyed.Should().HaveCount(200).And.OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task Sync_ConcurrentRequestsOfOneSession_EachSeesItsOwnAcrossAwaits()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);
        const int requests = 50;
        var allEntered = new Gate(requests);
        var proceed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async Task<bool> RequestAsync(ulong sync)
        {
            await Task.Yield();
            using (sessions.Enter(session, sync))
            {
                var ok = sessions.Sync == sync;
                allEntered.Signal();
                await proceed.Task;
                for (var i = 0; i < 5; i++)
                {
                    await Task.Yield();
                    ok &= sessions.Sync == sync && sessions.Id == session.Id;
                }

                return ok;
            }
        }

        var running = Enumerable.Range(1, requests).Select(i => Task.Run(() => RequestAsync((ulong)i))).ToArray();
        await allEntered.Task;
        proceed.SetResult();
        var results = await Task.WhenAll(running);

        results.Should().OnlyContain(ok => ok);
        sessions.Sync.Should().Be(0UL);
    }

    [Fact]
    public async Task Su_InOneFlow_IsInvisibleToAConcurrentFlowOfTheSameSession()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(new ConnectOptions { User = "admin" });
        var switched = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var observed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var suFlow = Task.Run(async () =>
        {
            using (sessions.Enter(session, 1))
            using (sessions.Su("guest"))
            {
                switched.SetResult();
                await observed.Task;
                return (sessions.EffectiveUser, sessions.User);
            }
        });
        var otherFlow = Task.Run(async () =>
        {
            using (sessions.Enter(session, 2))
            {
                await switched.Task;
                var seen = (sessions.EffectiveUser, sessions.Euid, sessions.User);
                observed.SetResult();
                return seen;
            }
        });

        (await suFlow).Should().Be(("guest", "admin"));
        (await otherFlow).Should().Be(("admin", 1UL, "admin"));
        session.User.Should().Be(SessionUser.Admin);
    }

    [Fact]
    public async Task ChangeUser_InOneRequest_IsSeenByAConcurrentRequest()
    {
        // spec §4.1 step 4: the one-argument su changes the session, so the other requests run as the new user.
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(new ConnectOptions { User = "admin" });
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var other = Task.Run(async () =>
        {
            using (sessions.Enter(session, 2))
            {
                var before = sessions.User;
                entered.SetResult();
                await changed.Task;
                return (before, sessions.User, sessions.EffectiveUser);
            }
        });
        await entered.Task;
        using (sessions.Enter(session, 1))
        {
            sessions.ChangeUser("user3");
        }

        changed.SetResult();

        (await other).Should().Be(("admin", "user3", "user3"));
    }

    [Fact]
    public async Task DisconnectAsync_WhileRequestsInFlight_ExistsAndStorageLastUntilTheLastScopeExits()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);
        session.Storage.Set("shared", "written before close");
        const int requests = 3;
        var entered = new Gate(requests);
        var exits = Enumerable.Range(0, requests).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var afterClose = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var running = Enumerable.Range(0, requests).Select(i => Task.Run(async () =>
        {
            using (sessions.Enter(session, (ulong)i + 1))
            {
                entered.Signal();
                await afterClose.Task;
                var seen = (Exists: sessions.Exists(), Sync: sessions.Sync, Value: sessions.Storage.Get("shared"));
                sessions.Storage.Set($"late{i}", i);
                await exits[i].Task;
                return seen;
            }
        })).ToArray();
        await entered.Task;

        await sessions.DisconnectAsync(session);
        afterClose.SetResult();

        for (var i = 0; i < requests; i++)
        {
            sessions.Exists(session.Id).Should().BeTrue($"{requests - i} request(s) are still in flight");
            session.State.Should().Be(SessionState.Closed);
            session.Storage.Get("shared").Should().Be("written before close");
            exits[i].SetResult();
            var seen = await running[i];
            seen.Should().Be((true, 0UL, "written before close"));
        }

        sessions.Exists(session.Id).Should().BeFalse();
        session.State.Should().Be(SessionState.Destroyed);
        session.Storage.Count.Should().Be(0);
        var write = () => session.Storage.Set("after", 1);
        write.Should().Throw<SessionClosedException>();
    }

    [Fact]
    public async Task AuthenticateAsync_ConcurrentlyAsDifferentUsers_IndexEndsConsistent()
    {
        await using var sessions = new SessionManager(directory: _users);
        var session = await sessions.ConnectAsync(SessionType.Binary);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var auths = Enumerable.Range(0, 10).SelectMany(i => Enumerable.Range(0, 10).Select(_ => Task.Run(async () =>
        {
            await gate.Task;
            await sessions.AuthenticateAsync(session, $"user{i}", "pw");
        }))).ToArray();
        gate.SetResult();
        await Task.WhenAll(auths);

        var final = session.User.Name;
        for (var i = 0; i < 10; i++)
        {
            var name = $"user{i}";
            sessions.Users.SessionsOf(name).Should().HaveCount(name == final ? 1 : 0, $"only {final} holds the session");
        }
    }

    [Fact]
    public async Task AuthenticateRacingDisconnect_ManySessions_LeaveNothingIndexed()
    {
        await using var sessions = new SessionManager(directory: _users);
        var opened = new List<Session>();
        for (var i = 0; i < 100; i++)
        {
            opened.Add(await sessions.ConnectAsync(SessionType.Binary));
        }

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var work = opened.SelectMany((s, i) => new[]
        {
            Task.Run(async () =>
            {
                await gate.Task;
                try
                {
                    await sessions.AuthenticateAsync(s, $"user{i % 10}", "pw");
                }
                catch (SessionClosedException)
                {
                    // Lost the race to the disconnect: allowed.
                }
            }),
            Task.Run(async () =>
            {
                await gate.Task;
                await sessions.DisconnectAsync(s);
            }),
        }).ToArray();
        gate.SetResult();
        await Task.WhenAll(work);

        sessions.Count.Should().Be(0);
        for (var i = 0; i < 10; i++)
        {
            sessions.Users.SessionsOf($"user{i}").Should().BeEmpty();
            sessions.Users.IsOnline($"user{i}").Should().BeFalse();
        }
    }

    /// <summary>Completes when <see cref="Signal"/> has been called the given number of times.</summary>
    private sealed class Gate(int count)
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _remaining = count;

        public Task Task => _done.Task;

        public void Signal()
        {
            if (Interlocked.Decrement(ref _remaining) == 0)
            {
                _done.SetResult();
            }
        }
    }
}
