using SessionKit.Reliability.Tests.Support;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Reliability.Tests.Linearizability;

/// <summary>
/// Issue 7, part 2: short concurrent histories of connect / disconnect / Exists / TryGetSession / SessionsOf, recorded
/// with invocation and response timestamps and checked against <see cref="RegistryModel"/> by
/// <see cref="LinearizabilityChecker"/>. Size: <c>SESSIONKIT_LIN_HISTORIES</c> (default 1000), seed
/// <c>SESSIONKIT_LIN_SEED</c>.
/// </summary>
public sealed class LinearizabilityTests(ITestOutputHelper output)
{
    // A logical clock: one shared counter, so "returned before invoked" between threads is decided by the order of
    // atomic increments, never by reading time.
    private static long _clock;

    private static long Tick() => Interlocked.Increment(ref _clock);

    private const int DefaultHistories = 1000;
    private const int DefaultSeed = 7;

    // ---- the checker itself -------------------------------------------------------------------------------------

    private static HistoryOp Op(int thread, long invoked, long returned, Call call, Result result) => new(thread, invoked, returned, call, result);

    private static RegistryModel Empty => RegistryModel.Initial([]);

    public static TheoryData<string> NonLinearizable => new(NonLinearizableHistories.Keys);

    private static readonly Dictionary<string, (RegistryModel Initial, HistoryOp[] History)> NonLinearizableHistories = new()
    {
        ["a connect that returned is not seen by a later Exists"] = (Empty,
        [
            Op(0, 0, 1, new Call.Connect(null), new Result.Id(1)),
            Op(1, 2, 3, new Call.Exists(1), new Result.Bool(false)),
        ]),
        ["a disconnect that returned is undone by a later Exists"] = (RegistryModel.Initial([(1, null)]),
        [
            Op(0, 0, 1, new Call.Disconnect(1), Result.None.Instance),
            Op(1, 2, 3, new Call.Exists(1), new Result.Bool(true)),
        ]),
        ["an id handed out twice"] = (Empty,
        [
            Op(0, 0, 5, new Call.Connect(null), new Result.Id(1)),
            Op(1, 0, 5, new Call.Connect(null), new Result.Id(1)),
        ]),
        ["SessionsOf lists a session that a later Exists denies, during its connect"] = (Empty,
        [
            Op(0, 0, 10, new Call.Connect("u"), new Result.Id(1)),
            Op(1, 1, 2, new Call.SessionsOf("u"), new Result.Ids([1])),
            Op(1, 3, 4, new Call.Exists(1), new Result.Bool(false)),
        ]),
        ["Exists flips back to false while nobody disconnects"] = (Empty,
        [
            Op(0, 0, 10, new Call.Connect(null), new Result.Id(1)),
            Op(1, 1, 2, new Call.Exists(1), new Result.Bool(true)),
            Op(1, 3, 4, new Call.Exists(1), new Result.Bool(false)),
        ]),
        ["TryGetSession returns another session than asked"] = (RegistryModel.Initial([(1, null), (2, null)]),
        [
            Op(0, 0, 1, new Call.TryGet(1), new Result.Found(true, 2)),
        ]),
        ["SessionsOf in the wrong join order"] = (RegistryModel.Initial([(1, "u"), (2, "u")]),
        [
            Op(0, 0, 1, new Call.SessionsOf("u"), new Result.Ids([2, 1])),
        ]),
    };

    [Theory]
    [MemberData(nameof(NonLinearizable))]
    public void Checker_RejectsANonLinearizableHistory(string name)
    {
        var (initial, history) = NonLinearizableHistories[name];
        LinearizabilityChecker.Check(history, initial).Should().BeNull($"'{name}' has no valid linearisation:{Environment.NewLine}{LinearizabilityChecker.Describe(history)}");
    }

    [Fact]
    public void Checker_AcceptsOverlappingOperationsInEitherOrderAndFindsTheWitness()
    {
        // Exists(1) overlaps the connect, so it may see the session or not; the later one must see it.
        HistoryOp[] history =
        [
            Op(0, 0, 10, new Call.Connect("u"), new Result.Id(1)),
            Op(1, 1, 2, new Call.Exists(1), new Result.Bool(false)),
            Op(1, 3, 4, new Call.SessionsOf("u"), new Result.Ids([1])),
            Op(2, 5, 6, new Call.TryGet(1), new Result.Found(true, 1)),
            Op(2, 7, 20, new Call.Disconnect(1), Result.None.Instance),
            Op(1, 8, 9, new Call.Exists(1), new Result.Bool(true)),
            Op(1, 11, 12, new Call.Exists(1), new Result.Bool(false)),
        ];

        var witness = LinearizabilityChecker.Check(history, Empty);

        witness.Should().NotBeNull();
        witness!.Select(o => o.Call.ToString()).Should().Equal(
            "exists(1)", "connect(u)", "sessionsOf(u)", "tryGet(1)", "exists(1)", "disconnect(1)", "exists(1)");
    }

    [Fact]
    public void Checker_OrderIsOnlyForcedByRealTime_NotByThreadIdOrListPosition()
    {
        // Listed in reverse, on one timeline: the checker must still find connect before exists.
        HistoryOp[] history =
        [
            Op(1, 5, 6, new Call.Exists(1), new Result.Bool(true)),
            Op(0, 0, 4, new Call.Connect(null), new Result.Id(1)),
        ];

        LinearizabilityChecker.Check(history, Empty).Should().NotBeNull();
    }

    // ---- the library ----------------------------------------------------------------------------------------------

    [Fact]
    public async Task ConcurrentHistories_AreLinearizable()
    {
        var histories = Knobs.Int("SESSIONKIT_LIN_HISTORIES", DefaultHistories);
        var seed = Knobs.Int("SESSIONKIT_LIN_SEED", DefaultSeed);
        var operations = 0;
        var overlapping = 0;
        for (var h = 0; h < histories; h++)
        {
            var rng = new Random(unchecked((seed * 104729) + h));
            var (history, initial) = await RecordHistoryAsync(rng);
            operations += history.Count;
            overlapping += history.Count(a => history.Any(b => !ReferenceEquals(a, b) && a.Thread != b.Thread && a.Invoked < b.Returned && b.Invoked < a.Returned));
            var witness = LinearizabilityChecker.Check(history, initial);
            witness.Should().NotBeNull(
                $"history {h} (SESSIONKIT_LIN_SEED={seed}) has no linearisation; initial sessions [{string.Join(", ", initial.Live.Select(s => $"{s.Id}:{s.User ?? "guest"}"))}]:{Environment.NewLine}{LinearizabilityChecker.Describe(history)}");
        }

        Figures.Report(output, "linearizability", ("seed", seed), ("histories checked", histories), ("operations", operations), ("operations overlapping another thread's", overlapping));
    }

    /// <summary>Runs 3-4 threads of 3-5 random operations on a fresh manager that starts with a guest (1) and a user session (2).</summary>
    private static async Task<(List<HistoryOp> History, RegistryModel Initial)> RecordHistoryAsync(Random rng)
    {
        var users = new FastUserDirectory();
        users.Add("u", "pw");
        await using var manager = new SessionManager(directory: users);
        var guest = await manager.ConnectAsync(SessionType.Binary);
        var member = await manager.ConnectAsync(new ConnectOptions { User = "u" });
        var initial = RegistryModel.Initial([(guest.Id, null), (member.Id, "u")]);
        var shared = new[] { guest, member };

        var threads = 3 + rng.Next(2);
        var plans = Enumerable.Range(0, threads)
            .Select(_ => Enumerable.Range(0, 3 + rng.Next(3)).Select(_ => (Kind: rng.Next(5), Pick: rng.Next(1000))).ToArray())
            .ToArray();
        var connects = plans.Sum(p => p.Count(o => o.Kind == 0));
        var recorded = new List<HistoryOp>[threads];

        // Dedicated threads released together by a spin gate (not pool threads: a blocking start barrier on a 2-core
        // pool starves it). The operations complete synchronously here (no triggers), so each thread runs them inline,
        // with a little random spinning between them to vary the interleavings.
        var ready = 0;
        var go = 0;
        var workers = plans.Select((plan, thread) => new Thread(() =>
        {
            var own = new List<Session>();
            var mine = new List<HistoryOp>();
            Interlocked.Increment(ref ready);
            var spin = new SpinWait();
            while (Volatile.Read(ref go) == 0)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }

            foreach (var (kind, pick) in plan)
            {
                Thread.SpinWait(pick % 64);
                mine.Add(RunOneAsync(manager, thread, kind, pick, own, shared, connects).AsTask().GetAwaiter().GetResult());
            }

            recorded[thread] = mine;
        })).ToArray();
        foreach (var worker in workers)
        {
            worker.Start();
        }

        var wait = new SpinWait();
        while (Volatile.Read(ref ready) < threads)
        {
            wait.SpinOnce(sleep1Threshold: -1);
        }

        Volatile.Write(ref go, 1);
        foreach (var worker in workers)
        {
            worker.Join();
        }

        var history = recorded.SelectMany(r => r).ToList();
        return (history, initial);
    }

    private static async ValueTask<HistoryOp> RunOneAsync(SessionManager manager, int thread, int kind, int pick, List<Session> own, Session[] shared, int connects)
    {
        // Ids a thread may ask about: the shared sessions, its own, ids other threads are about to get, and 0 / max.
        ulong PickId()
        {
            var candidates = new List<ulong> { 0, ulong.MaxValue };
            candidates.AddRange(shared.Select(s => s.Id));
            candidates.AddRange(own.Select(s => s.Id));
            for (var i = 1; i <= connects; i++)
            {
                candidates.Add((ulong)(shared.Length + i));
            }

            return candidates[pick % candidates.Count];
        }

        long invoked;
        switch (kind)
        {
            case 0:
            {
                var user = pick % 2 == 0 ? "u" : null;
                invoked = Tick();
                var session = user is null
                    ? await manager.ConnectAsync(SessionType.Binary)
                    : await manager.ConnectAsync(new ConnectOptions { User = user });
                var returned = Tick();
                own.Add(session);
                return new HistoryOp(thread, invoked, returned, new Call.Connect(user), new Result.Id(session.Id));
            }

            case 1:
            {
                // Each session is disconnected by one thread at most: a second, concurrent DisconnectAsync returns at
                // once by contract (idempotent), before the first one's destroy, which the model does not describe.
                var targets = own.Concat(thread < shared.Length ? [shared[thread]] : []).Where(s => s.State == SessionState.Open).ToArray();
                if (targets.Length == 0)
                {
                    goto default;
                }

                var target = targets[pick % targets.Length];
                invoked = Tick();
                await manager.DisconnectAsync(target);
                return new HistoryOp(thread, invoked, Tick(), new Call.Disconnect(target.Id), Result.None.Instance);
            }

            case 2:
            {
                var id = PickId();
                invoked = Tick();
                var exists = manager.Exists(id);
                return new HistoryOp(thread, invoked, Tick(), new Call.Exists(id), new Result.Bool(exists));
            }

            case 3:
            {
                var id = PickId();
                invoked = Tick();
                var found = manager.TryGetSession(id, out var session);
                var returned = Tick();
                return new HistoryOp(thread, invoked, returned, new Call.TryGet(id), new Result.Found(found, session?.Id ?? 0));
            }

            default:
            {
                invoked = Tick();
                var list = manager.Users.SessionsOf("u");
                var returned = Tick();
                return new HistoryOp(thread, invoked, returned, new Call.SessionsOf("u"), new Result.Ids(list.Select(s => s.Id).ToArray()));
            }
        }
    }

    // ---- deterministic interleavings --------------------------------------------------------------------------------
    //
    // The library writes a log event in the middle of some state transitions. A logger probe runs synchronously at
    // that point, on the connecting thread, and acts as a second client that happens to run exactly then: the same
    // interleaving a real second thread can hit, made repeatable.

    [Fact]
    public async Task ConnectAsUser_IsNotListedBySessionsOfBeforeItIsRegistered()
    {
        var users = new FastUserDirectory();
        users.Add("u", "pw");
        var log = new EventLog();
        await using var manager = new SessionManager(directory: users, loggerFactory: log.CreateFactory());
        var history = new List<HistoryOp>();
        var probed = 0;
        log.Probe = (eventId, _) =>
        {
            // UserChanged is written when the new session joins the user index.
            if (eventId == EventLog.UserChanged && Interlocked.Exchange(ref probed, 1) == 0)
            {
                var invoked = Tick();
                var listed = manager.Users.SessionsOf("u").Select(s => s.Id).ToArray();
                history.Add(new HistoryOp(1, invoked, Tick(), new Call.SessionsOf("u"), new Result.Ids(listed)));
                foreach (var id in listed)
                {
                    invoked = Tick();
                    var exists = manager.Exists(id);
                    history.Add(new HistoryOp(1, invoked, Tick(), new Call.Exists(id), new Result.Bool(exists)));
                }
            }
        };

        var connectInvoked = Tick();
        var session = await manager.ConnectAsync(new ConnectOptions { User = "u" });
        history.Add(new HistoryOp(0, connectInvoked, Tick(), new Call.Connect("u"), new Result.Id(session.Id)));

        probed.Should().Be(1, "the probe ran while the session joined the user index");
        LinearizabilityChecker.Check(history, RegistryModel.Initial([])).Should().NotBeNull(
            $"SessionsOf(u) must never list a session that Exists() denies (design.md: a session is registered from connect until destroy):{Environment.NewLine}{LinearizabilityChecker.Describe(history)}");
    }

    [Theory]
    [InlineData("CloseUserSessionsAsync")]
    [InlineData("KickUserAsync")]
    [InlineData("EvictOldest")]
    public async Task ASessionClosedWhileConnectingAsUser_IsNotLeftRegisteredAfterItsDestroy(string closer)
    {
        var users = new FastUserDirectory();
        users.Add("u", "pw");
        var log = new EventLog();
        var options = closer == "EvictOldest" ? new SessionManagerOptions { MaxSessionsPerUser = _ => 1, SessionLimitPolicy = SessionLimitPolicy.EvictOldest } : null;
        await using var manager = new SessionManager(options, users, log.CreateFactory());
        var disconnects = new System.Collections.Concurrent.ConcurrentDictionary<ulong, int>();
        manager.OnDisconnect.Add(ctx =>
        {
            disconnects.AddOrUpdate(ctx.Session.Id, 1, (_, n) => n + 1);
            return ValueTask.CompletedTask;
        });

        var probed = 0;
        var countInProbe = int.MinValue;
        Session? second = null;
        log.Probe = (eventId, _) =>
        {
            if (eventId == EventLog.UserChanged && Interlocked.Exchange(ref probed, 1) == 0)
            {
                // A second client acts on user u while the first session of u is half-way through ConnectAsync.
                switch (closer)
                {
                    case "CloseUserSessionsAsync":
                        manager.Admin.CloseUserSessionsAsync("u", SessionCloseReason.AccountDisabled).AsTask().GetAwaiter().GetResult();
                        break;
                    case "KickUserAsync":
                        manager.Admin.KickUserAsync("u").AsTask().GetAwaiter().GetResult();
                        break;
                    default:
                        second = manager.ConnectAsync(new ConnectOptions { User = "u" }).AsTask().GetAwaiter().GetResult();
                        break;
                }

                countInProbe = manager.Count;
            }
        };

        Session? first = null;
        try
        {
            first = await manager.ConnectAsync(new ConnectOptions { User = "u" });
        }
        catch (SessionClosedException)
        {
            // Refusing the connect of a session closed meanwhile would be a fine outcome too.
        }

        log.Probe = null;
        if (second is not null)
        {
            await manager.DisconnectAsync(second);
        }

        if (first is not null)
        {
            await manager.DisconnectAsync(first);
        }

        using (new FluentAssertions.Execution.AssertionScope())
        {
            probed.Should().Be(1);
            countInProbe.Should().BeGreaterThanOrEqualTo(0, "Count is never negative");
            manager.GetSessions().Where(s => s.State == SessionState.Destroyed).Select(s => s.Id)
                .Should().BeEmpty("a destroyed session has left the registry (design.md, Lifecycle: destroy)");
            manager.Count.Should().Be(0, "every session was closed, so Count returns to 0");
            disconnects.Values.Should().OnlyContain(n => n == 1, "on_disconnect runs exactly once per session");
        }
    }

    [Fact]
    public async Task Storage_OnceTheSessionIsObservablyDestroyed_RefusesWrites()
    {
        var log = new EventLog();
        await using var manager = new SessionManager(directory: new FastUserDirectory(), loggerFactory: log.CreateFactory());
        var session = await manager.ConnectAsync(SessionType.Binary);
        session.Storage.Set("early", 1);
        SessionState? state = null;
        Exception? write = null;
        log.Probe = (eventId, _) =>
        {
            // SessionDestroyed is written during destroy; any other thread could look at the session right then.
            if (eventId == EventLog.SessionDestroyed && state is null)
            {
                state = session.State;
                write = Record.Exception(() => session.Storage.Set("late", 2));
            }
        };

        await manager.DisconnectAsync(session);

        state.Should().Be(SessionState.Destroyed, "the probe ran after the session was marked destroyed");
        session.Storage.Get("late").Should().BeNull("no value outlives its session");
        write.Should().BeOfType<SessionClosedException>(
            "SessionStorage's docs: once the session is destroyed writes throw SessionClosedException; this write was accepted (and silently dropped a moment later) although State already said Destroyed");
    }
}
