using System.Collections.Concurrent;
using System.Globalization;
using SessionKit.Reliability.Tests.Support;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Reliability.Tests;

/// <summary>
/// Issue 7, part 1: many tasks run random operations against one manager; the lifecycle guarantees of design.md
/// ("Lifecycle") must hold at the end, and the ambient-context and user-index invariants must hold during the run.
/// </summary>
/// <remarks>
/// Size: <c>SESSIONKIT_TORTURE_OPS</c> (total operations, default 50,000) and <c>SESSIONKIT_TORTURE_SEED</c>
/// (default 20261122). Every failure message carries the seed. The interleaving is the scheduler's, so a seed fixes
/// the operation sequences of the workers, not the order in which they meet.
/// </remarks>
public sealed class TortureTests(ITestOutputHelper output)
{
    public const int DefaultOps = 50_000;
    public const int DefaultSeed = 20261122;
    private const int Workers = 8;

    [Theory]
    [InlineData("close-all")]
    [InlineData("dispose-mid-run")]
    public async Task RandomOperations_KeepEveryLifecycleGuarantee(string ending)
    {
        var ops = Knobs.Int("SESSIONKIT_TORTURE_OPS", DefaultOps);
        var seed = Knobs.Int("SESSIONKIT_TORTURE_SEED", DefaultSeed) + (ending == "close-all" ? 0 : 1);
        var run = new TortureRun(seed, ops, disposeMidRun: ending == "dispose-mid-run");
        await run.ExecuteAsync();

        var because = run.Because;

        // Printed first, so a failing run still reports what it did.
        Figures.Report(
            output,
            $"torture/{ending}",
            ("seed", seed),
            ("workers", Workers),
            ("operations", run.OperationsRun),
            ("sessions registered", run.Registered),
            ("faults injected", run.FaultsInjected),
            ("documented exceptions", run.DocumentedExceptions.Values.Sum()),
            ("by type", string.Join(" ", run.DocumentedExceptions.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}:{p.Value}"))),
            ("invariant checks", run.InvariantChecks),
            ("peak Count", run.PeakCount));

        // Every check below reports, not only the first that fails.
        using var scope = new FluentAssertions.Execution.AssertionScope();
        run.Violations.Take(50).Should().BeEmpty(because + $" ({run.Violations.Count} violations in all, first 50 shown)");
        run.Unexpected.Take(20).Should().BeEmpty(because + $" ({run.Unexpected.Count} unexpected exceptions in all, first 20 shown)");
        run.Registered.Should().BeGreaterThan(0, because);

        // Every registered session: on_connect once, on_disconnect once, closed once (event 7), destroyed once (event 8).
        // Collected first and asserted once: FluentAssertions per item would dominate the run time.
        var broken = new List<string>();
        foreach (var rec in run.Recs.Values.OrderBy(r => r.Session.Id))
        {
            var s = rec.Session;
            var line = $"session {s.Id}: on_connect {rec.ConnectRuns}, on_disconnect {rec.DisconnectRuns}, state {s.State}, " +
                $"closed token {s.Closed.IsCancellationRequested}, disconnected {run.Log.Count(EventLog.SessionDisconnected, s.Id)}, " +
                $"destroyed {run.Log.Count(EventLog.SessionDestroyed, s.Id)}";
            if (rec.ConnectRuns != 1 || rec.DisconnectRuns != 1 || s.State != SessionState.Destroyed || !s.Closed.IsCancellationRequested ||
                run.Log.Count(EventLog.SessionDisconnected, s.Id) != 1 || run.Log.Count(EventLog.SessionDestroyed, s.Id) != 1)
            {
                broken.Add(line);
            }
        }

        broken.Take(50).Should().BeEmpty(because + $" ({broken.Count} sessions in all, first 50 shown)");

        // Nothing registered escaped the records, and nothing was destroyed that was never registered.
        var registered = run.Recs.Keys.ToHashSet();
        run.Log.SessionsWith(EventLog.SessionConnected).Where(id => !registered.Contains(id)).Should().BeEmpty(because);
        registered.Where(id => run.Log.Count(EventLog.SessionConnected, id) != 1).Should().BeEmpty(because);
        run.Log.SessionsWith(EventLog.SessionDestroyed).Where(id => !registered.Contains(id)).Should().BeEmpty(because);
        run.ReturnedByConnect.Keys.Where(id => !registered.Contains(id)).Should().BeEmpty(because);

        // Every on_disconnect fault was logged once and none stopped the other on_disconnect triggers (the counts above).
        run.Log.Count(EventLog.TriggerFailed).Should().Be(Volatile.Read(ref run.DisconnectFaults), because);
        run.Log.Count(EventLog.ShutdownTimedOut).Should().Be(0, because);
        run.Log.Count(EventLog.ConnectRefused).Should().Be(Volatile.Read(ref run.ConnectFaults), because);

        // The user index only ever showed registered sessions under a user they were given.
        run.IndexSightings
            .Where(x => !run.Recs.TryGetValue(x.Session.Id, out var rec) || !rec.Users.Contains(x.User))
            .Select(x => $"SessionsOf({x.User}) listed session {x.Session.Id}")
            .Should().BeEmpty(because);

        if (ending == "close-all")
        {
            run.FinalCount.Should().Be(0, because);
            run.FinalSessions.Should().Be(0, because);
            run.FinalIndexed.Should().Be(0, because);
        }
        else
        {
            run.CountAfterDispose.Should().BeOfType<ObjectDisposedException>(because);
        }
    }

    /// <summary>One torture run: the manager, the workers, and what they recorded.</summary>
    private sealed class TortureRun
    {
        private const int Slots = 64;
        private static readonly string[] UserNames = ["admin", "u0", "u1", "u2", "u3"];
        private static readonly SessionKey<int> Key = new("worker");

        private readonly int _seed;
        private readonly int _ops;
        private readonly bool _disposeMidRun;
        private readonly Session?[] _slots = new Session?[Slots];
        private readonly FastUserDirectory _users = new();
        private int _disposeStarted;
        private long _operations;
        private long _checks;
        private int _peak;

        public TortureRun(int seed, int ops, bool disposeMidRun)
        {
            _seed = seed;
            _ops = ops;
            _disposeMidRun = disposeMidRun;
            for (var i = 0; i < 4; i++)
            {
                _users.Add("u" + i.ToString(CultureInfo.InvariantCulture), "pw" + i.ToString(CultureInfo.InvariantCulture));
            }

            _users.Add("locked", "pwl", mayConnect: false);
            M = new SessionManager(
                new SessionManagerOptions
                {
                    MaxSessionsPerUser = _ => 5,
                    SessionLimitPolicy = (seed & 1) == 0 ? SessionLimitPolicy.RejectNew : SessionLimitPolicy.EvictOldest,
                    ShutdownTimeout = TimeSpan.FromSeconds(30),
                },
                _users,
                Log.CreateFactory());
            InstallPermanentTriggers();
        }

        public SessionManager M { get; }

        public EventLog Log { get; } = new();

        public string Because => $"torture seed {_seed} (rerun with SESSIONKIT_TORTURE_SEED={(_disposeMidRun ? _seed - 1 : _seed)} SESSIONKIT_TORTURE_OPS={_ops})";

        public ConcurrentDictionary<ulong, Rec> Recs { get; } = new();

        public ConcurrentDictionary<ulong, Session> ReturnedByConnect { get; } = new();

        public ConcurrentQueue<string> Violations { get; } = new();

        public ConcurrentQueue<string> Unexpected { get; } = new();

        public ConcurrentBag<(Session Session, string User)> IndexSightings { get; } = [];

        public ConcurrentDictionary<string, long> DocumentedExceptions { get; } = new();

        public long DisconnectFaults;
        public long ConnectFaults;
        public long AuthFaults;

        public long FaultsInjected => Volatile.Read(ref DisconnectFaults) + Volatile.Read(ref ConnectFaults) + Volatile.Read(ref AuthFaults);

        public long OperationsRun => Volatile.Read(ref _operations);

        public long InvariantChecks => Volatile.Read(ref _checks);

        public int PeakCount => Volatile.Read(ref _peak);

        public int Registered => Recs.Count;

        public int FinalCount { get; private set; } = -1;

        public int FinalSessions { get; private set; } = -1;

        public int FinalIndexed { get; private set; } = -1;

        public Exception? CountAfterDispose { get; private set; }

        private bool Disposing => Volatile.Read(ref _disposeStarted) != 0;

        public async Task ExecuteAsync()
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var perWorker = Math.Max(1, _ops / Workers);
            var workers = Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
            {
                await start.Task;
                var worker = new Worker(w, new Random(unchecked((_seed * 7919) + w)));
                for (var i = 0; i < perWorker; i++)
                {
                    if (_disposeMidRun && w == 0 && i == perWorker / 2)
                    {
                        Volatile.Write(ref _disposeStarted, 1);
                        await M.DisposeAsync();
                        continue;
                    }

                    await StepAsync(worker);
                    Interlocked.Increment(ref _operations);
                }
            })).ToArray();
            start.SetResult();
            await Watchdog(Task.WhenAll(workers), "the workers");

            if (_disposeMidRun)
            {
                await M.DisposeAsync();
            }
            else
            {
                // Close whatever is left; closes started by evictions and kicks may still be finishing, so wait for
                // each session's destroy event rather than trusting DisconnectAsync to return after it.
                foreach (var session in M.GetSessions())
                {
                    await M.DisconnectAsync(session);
                }
            }

            await Watchdog(Task.WhenAll(Recs.Keys.Select(id => Log.WhenLogged(EventLog.SessionDestroyed, id))), "every registered session's destroy");
            if (_disposeMidRun)
            {
                try
                {
                    _ = M.Count;
                }
                catch (Exception ex)
                {
                    CountAfterDispose = ex;
                }
            }
            else
            {
                FinalCount = M.Count;
                FinalSessions = M.GetSessions().Count;
                FinalIndexed = UserNames.Sum(u => M.Users.SessionsOf(u).Count) + (M.Users.IsOnline("u0") ? 1 : 0);
                await M.DisposeAsync();
            }
        }

        private async Task Watchdog(Task task, string what)
        {
            try
            {
                // A guard that turns a hang into a failure carrying the seed; it synchronises nothing.
                await task.WaitAsync(TimeSpan.FromMinutes(3));
            }
            catch (TimeoutException)
            {
                var missing = Recs.Keys.Where(id => Log.Count(EventLog.SessionDestroyed, id) == 0).Order().Take(20);
                throw new Xunit.Sdk.XunitException($"{what} did not finish: {Because}; sessions not destroyed: {string.Join(", ", missing)}");
            }
        }

        private Rec RecOf(Session session) => Recs.GetOrAdd(session.Id, static (_, s) => new Rec(s), session);

        private void Expect(bool condition, string what)
        {
            if (!condition)
            {
                Violations.Enqueue(what);
            }
        }

        private void InstallPermanentTriggers()
        {
            M.OnConnect.Add("count", ctx =>
            {
                var session = ctx.Session;
                var rec = RecOf(session);
                rec.Users.Enqueue(session.User.Name);
                if (Interlocked.Increment(ref rec.ConnectRuns) > 1)
                {
                    Violations.Enqueue($"on_connect ran twice for session {session.Id}");
                }

                Expect(ReferenceEquals(M.Current, session) || session.State == SessionState.Destroyed, $"on_connect of {session.Id}: Current is the session");
                Expect(M.Sync == 0, $"on_connect of {session.Id}: sync 0");
                Expect(M.EffectiveUser == "admin", $"on_connect of {session.Id}: effective user admin");

                // Deterministic per session id: about one connection in 40 is refused by on_connect.
                if (Mix(session.Id) % 40 == 0)
                {
                    Interlocked.Increment(ref ConnectFaults);
                    throw new InjectedFault("on_connect refused");
                }

                return ValueTask.CompletedTask;
            });

            M.OnDisconnect.Add("count", ctx =>
            {
                var session = ctx.Session;
                var rec = RecOf(session);
                if (Interlocked.Increment(ref rec.DisconnectRuns) > 1)
                {
                    Violations.Enqueue($"on_disconnect ran twice for session {session.Id}");
                }

                Expect(ReferenceEquals(M.Current, session), $"on_disconnect of {session.Id}: Current is the session");
                Expect(M.Exists(), $"on_disconnect of {session.Id}: Exists() is true for the current session");
                Expect(SafeExists(session.Id), $"on_disconnect of {session.Id}: Exists(id) is true (the session is registered until destroyed)");
                Expect(session.State == SessionState.Closed, $"on_disconnect of {session.Id}: state Closed, not {session.State}");
                Expect(M.Sync == 0, $"on_disconnect of {session.Id}: sync 0");
                Expect(M.EffectiveUser == "admin", $"on_disconnect of {session.Id}: effective user admin");
                try
                {
                    // Storage is intact (not yet cleared) during on_disconnect.
                    session.Storage.Set("seen-by-on-disconnect", true);
                }
                catch (Exception ex)
                {
                    Violations.Enqueue($"on_disconnect of {session.Id}: storage refused a write: {ex.GetType().Name}");
                }

                return ValueTask.CompletedTask;
            });
        }

        private bool SafeExists(ulong id)
        {
            try
            {
                return M.Exists(id);
            }
            catch (ObjectDisposedException)
            {
                return true; // Exists cannot be asked after dispose; on_disconnect may run after it during shutdown.
            }
        }

        private ulong Mix(ulong id) => unchecked((id * 0x9E3779B97F4A7C15UL) ^ (ulong)_seed) >> 7;

        private Session? Pick(Worker w)
        {
            var session = Volatile.Read(ref _slots[w.Rng.Next(Slots)]);
            return session;
        }

        private void Place(Worker w, Session session) => Volatile.Write(ref _slots[w.Rng.Next(Slots)], session);

        private (string Name, string Password) PickCredentials(Worker w)
        {
            var roll = w.Rng.Next(20);
            if (roll == 0)
            {
                return ("locked", "pwl");
            }

            if (roll == 1)
            {
                return ("u1", "wrong");
            }

            if (roll == 2)
            {
                return ("nobody", "pw");
            }

            var index = w.Rng.Next(UserNames.Length);
            return index == 0 ? ("admin", "admin") : (UserNames[index], "pw" + (index - 1).ToString(CultureInfo.InvariantCulture));
        }

        /// <summary>Runs one random operation; exceptions are sorted into documented (counted) and unexpected (failures).</summary>
        private async Task StepAsync(Worker w)
        {
            var roll = w.Rng.Next(100);
            var op = roll switch
            {
                < 14 => "connect",
                < 20 => "connect-as-user",
                < 21 => "connect-cancelled",
                < 33 => "authenticate",
                < 51 => "request",
                < 56 => "storage",
                < 61 => "bind",
                < 65 => "send",
                < 71 => "triggers",
                < 81 => "disconnect",
                < 86 => "close",
                < 88 => "close-user-sessions",
                < 90 => "kick",
                _ => "check",
            };

            try
            {
                await RunAsync(w, op);
            }
            catch (Exception ex) when (IsDocumented(op, ex))
            {
                DocumentedExceptions.AddOrUpdate(ex.GetType().Name, 1, static (_, n) => n + 1);
            }
            catch (Exception ex)
            {
                Unexpected.Enqueue($"{op}: {ex}");
            }
        }

        private bool IsDocumented(string op, Exception ex)
        {
            if (ex is ObjectDisposedException)
            {
                return Disposing;
            }

            if (ex is InjectedFault)
            {
                // Our own triggers' faults, which ConnectAsync and AuthenticateAsync rethrow as documented.
                return op is "connect" or "connect-as-user" or "authenticate";
            }

            return op switch
            {
                // A kick, a close or an eviction during the connect (issue 12): the connect throws, never returns it.
                "connect" => ex is SessionClosedException,
                "connect-as-user" => ex is AccessDeniedException or SessionLimitExceededException or SessionClosedException,
                "connect-cancelled" => ex is OperationCanceledException,
                "authenticate" => ex is AuthenticationFailedException or AccessDeniedException or SessionClosedException or SessionLimitExceededException,
                "request" => ex is SessionClosedException or AccessDeniedException or SessionLimitExceededException,
                "storage" => ex is SessionClosedException,
                "bind" => ex is ResourceBindException or SessionClosedException,
                "triggers" => ex is TriggerNotFoundException,
                _ => false,
            };
        }

        private async Task RunAsync(Worker w, string op)
        {
            switch (op)
            {
                case "connect":
                {
                    var connection = w.Rng.Next(2) == 0 ? new RecordingConnection() : null;
                    var session = await M.ConnectAsync(new ConnectOptions { Type = SessionType.Binary, Connection = connection });
                    ReturnedByConnect[session.Id] = session;
                    Place(w, session);
                    break;
                }

                case "connect-as-user":
                {
                    var (name, _) = PickCredentials(w);
                    if (name == "nobody")
                    {
                        name = "u0";
                    }

                    var session = await M.ConnectAsync(new ConnectOptions { User = name, Connection = new RecordingConnection() });
                    Expect(name != "locked", "a user that may not connect got a session");
                    ReturnedByConnect[session.Id] = session;
                    Place(w, session);
                    break;
                }

                case "connect-cancelled":
                {
                    using var cts = new CancellationTokenSource();
                    await cts.CancelAsync();
                    var session = await M.ConnectAsync(SessionType.Binary, null, cts.Token);
                    Violations.Enqueue($"a connect with a cancelled token registered session {session.Id}");
                    break;
                }

                case "authenticate":
                {
                    if (Pick(w) is not { } session)
                    {
                        return;
                    }

                    var (name, password) = PickCredentials(w);
                    RecOf(session).Users.Enqueue(name);
                    try
                    {
                        var user = await M.AuthenticateAsync(session, name, password);
                        Expect(user.Name == name, $"authenticate as {name} returned {user.Name}");
                    }
                    catch (InjectedFault)
                    {
                        // An on_auth error closes the session (design.md, Triggers).
                        Expect(session.State != SessionState.Open, $"session {session.Id} stayed open after its on_auth trigger failed");
                        throw;
                    }

                    break;
                }

                case "request":
                    await RequestAsync(w);
                    break;

                case "storage":
                {
                    if (Pick(w) is not { } session)
                    {
                        return;
                    }

                    var storage = session.Storage;
                    var destroyedBefore = session.State == SessionState.Destroyed;
                    storage.Set(Key, w.Id);
                    Expect(!destroyedBefore, $"storage of destroyed session {session.Id} accepted a write");
                    storage.Get("k" + w.Rng.Next(3).ToString(CultureInfo.InvariantCulture));
                    break;
                }

                case "bind":
                {
                    if (Pick(w) is not { } session)
                    {
                        return;
                    }

                    var resource = await M.Users.BindResourceAsync(session, "r" + w.Rng.Next(3).ToString(CultureInfo.InvariantCulture));
                    Expect(resource.StartsWith('r'), $"bind returned '{resource}'");
                    break;
                }

                case "send":
                {
                    if (Pick(w) is not { } session)
                    {
                        return;
                    }

                    var sent = await session.SendAsync("hello");
                    Expect(!sent || session.Connection is not null, "SendAsync reported a send without a connection");
                    break;
                }

                case "triggers":
                    ChangeTriggers(w);
                    break;

                case "disconnect":
                {
                    if (Pick(w) is not { } session)
                    {
                        return;
                    }

                    await M.DisconnectAsync(session);
                    Expect(session.State != SessionState.Open, $"session {session.Id} is open after DisconnectAsync returned");
                    break;
                }

                case "close":
                {
                    if (Pick(w) is not { } session)
                    {
                        return;
                    }

                    await session.CloseAsync(SessionCloseReason.Kicked);
                    break;
                }

                case "close-user-sessions":
                {
                    var user = UserNames[1 + w.Rng.Next(UserNames.Length - 1)];
                    var closed = await M.Admin.CloseUserSessionsAsync(user, SessionCloseReason.AccountDisabled);
                    Expect(closed >= 0, "CloseUserSessionsAsync returned a negative count");
                    break;
                }

                case "kick":
                {
                    if (Pick(w) is not { } session)
                    {
                        return;
                    }

                    await M.Admin.KickAsync(session.Id);
                    break;
                }

                default:
                    CheckInvariants(w);
                    break;
            }
        }

        private async Task RequestAsync(Worker w)
        {
            if (Pick(w) is not { } session)
            {
                return;
            }

            var sync = ((ulong)(w.Id + 1) << 40) | (ulong)++w.Sync;
            var scope = M.Enter(session, sync);
            try
            {
                Expect(ReferenceEquals(M.Current, session), "Current is the entered session");
                var storage = M.Storage;
                Expect(ReferenceEquals(storage, session.Storage), "Storage inside a request is the session's");

                // A request holds the session: its storage cannot be cleared under it, so this write must succeed.
                storage.Set(Key, w.Id);
                var seen = M.Sync;
                Expect(seen == sync || (seen == 0 && session.State != SessionState.Open), $"Sync inside request read {seen}, not {sync}");

                switch (w.Rng.Next(6))
                {
                    case 0:
                        await Task.Yield();
                        Expect(ReferenceEquals(M.Current, session), "Current survives an await inside the request");
                        break;
                    case 1:
                    {
                        var target = UserNames[w.Rng.Next(UserNames.Length)];
                        using (M.Su(target))
                        {
                            Expect(M.EffectiveUser == target, "EffectiveUser inside Su is the target");
                            Expect(ReferenceEquals(M.Current, session), "Su keeps the current session");
                        }

                        break;
                    }

                    case 2:
                    {
                        var target = UserNames[w.Rng.Next(UserNames.Length)];
                        RecOf(session).Users.Enqueue(target);
                        M.ChangeUser(target);
                        break;
                    }

                    case 3:
                    {
                        if (Pick(w) is { } other)
                        {
                            try
                            {
                                using (M.Enter(other))
                                {
                                    Expect(ReferenceEquals(M.Current, other), "nested Enter makes the inner session current");
                                }
                            }
                            catch (SessionClosedException)
                            {
                            }

                            Expect(ReferenceEquals(M.Current, session), "leaving a nested request restores the outer session");
                        }

                        break;
                    }

                    case 4:
                    {
                        // Out-of-order disposal: the outer scope first, then the inner one.
                        if (Pick(w) is { } other)
                        {
                            SessionScope inner;
                            try
                            {
                                inner = M.Enter(other);
                            }
                            catch (SessionClosedException)
                            {
                                break;
                            }

                            scope.Dispose();
                            Expect(ReferenceEquals(M.Current, other), "disposing the outer scope first leaves the inner one current");
                            inner.Dispose();
                            Expect(M.Current is null, "after both scopes are disposed no session is current");
                        }

                        break;
                    }

                    default:
                        Expect(storage.TryGet(Key, out var value) && value >= 0, "storage read inside request");
                        break;
                }
            }
            finally
            {
                scope.Dispose();
            }

            Expect(M.Current is null, "no ambient session outlives its scope");
            Expect(M.Sync == 0, "no sync outlives its scope");
            Expect(M.EffectiveUser == "admin", "no effective user outlives its scope");
        }

        private void ChangeTriggers(Worker w)
        {
            var roll = w.Rng.Next(8);
            switch (roll)
            {
                case 0 when w.Connect.Count < 3:
                {
                    var yields = w.Rng.Next(2) == 0;
                    w.Connect.Add(M.OnConnect.Add(async ctx =>
                    {
                        RecOf(ctx.Session);
                        if (yields)
                        {
                            await Task.Yield();
                        }
                    }));
                    break;
                }

                case 1 when w.Disconnect.Count < 3:
                {
                    var faulty = w.Rng.Next(3) == 0;
                    w.Disconnect.Add(M.OnDisconnect.Add(async ctx =>
                    {
                        await Task.Yield();
                        if (faulty)
                        {
                            Interlocked.Increment(ref DisconnectFaults);
                            throw new InjectedFault("on_disconnect fault");
                        }
                    }));
                    break;
                }

                case 2 when w.Auth.Count < 2:
                {
                    w.Auth.Add(M.OnAuth.Add(ctx =>
                    {
                        if (ctx.Succeeded && Mix(ctx.Session.Id) % 23 == 0)
                        {
                            Interlocked.Increment(ref AuthFaults);
                            throw new InjectedFault("on_auth refused");
                        }

                        return ValueTask.CompletedTask;
                    }));
                    break;
                }

                case 3 when w.Connect.Count > 0:
                    M.OnConnect.Remove(TakeRandom(w, w.Connect));
                    break;
                case 4 when w.Disconnect.Count > 0:
                    M.OnDisconnect.Remove(TakeRandom(w, w.Disconnect));
                    break;
                case 5 when w.Auth.Count > 0:
                    M.OnAuth.Remove(TakeRandom(w, w.Auth));
                    break;
                case 6:
                {
                    // Named trigger churn: add or replace in place, or remove by name.
                    var name = "w" + w.Id.ToString(CultureInfo.InvariantCulture);
                    if (w.Rng.Next(2) == 0)
                    {
                        M.OnDisconnect.Add(name, _ => ValueTask.CompletedTask);
                    }
                    else
                    {
                        M.OnDisconnect.Remove(name);
                    }

                    break;
                }

                default:
                    // Removing a trigger that was never added throws the documented exception.
                    M.OnConnect.Remove(_ => ValueTask.CompletedTask);
                    Violations.Enqueue("removing an absent trigger did not throw");
                    break;
            }
        }

        private static T TakeRandom<T>(Worker w, List<T> list)
        {
            var index = w.Rng.Next(list.Count);
            var item = list[index];
            list.RemoveAt(index);
            return item;
        }

        private void CheckInvariants(Worker w)
        {
            Interlocked.Increment(ref _checks);
            Expect(M.Current is null, "outside any scope Current is null");
            Expect(M.Id == 0 && M.Sync == 0 && M.Type == SessionType.Background, "outside any scope Id, Sync and Type are the background ones");
            Expect(M.User == "admin" && M.EffectiveUser == "admin", "outside any scope the user is the background user");
            var count = M.Count;
            Expect(count >= 0, "Count is never negative");
            InterlockedMax(ref _peak, count);
            var user = UserNames[w.Rng.Next(UserNames.Length)];
            var sessions = M.Users.SessionsOf(user);
            Expect(sessions.Distinct().Count() == sessions.Count, $"SessionsOf({user}) lists a session twice");
            foreach (var session in sessions)
            {
                // Checked at the end against the records: every listed session was registered and given this user.
                IndexSightings.Add((session, user));
            }
        }

        private static void InterlockedMax(ref int target, int value)
        {
            var current = Volatile.Read(ref target);
            while (value > current)
            {
                var seen = Interlocked.CompareExchange(ref target, value, current);
                if (seen == current)
                {
                    return;
                }

                current = seen;
            }
        }
    }

    private sealed class Worker(int id, Random rng)
    {
        public int Id { get; } = id;

        public Random Rng { get; } = rng;

        public long Sync;

        public List<Func<SessionTriggerContext, ValueTask>> Connect { get; } = [];

        public List<Func<SessionTriggerContext, ValueTask>> Disconnect { get; } = [];

        public List<Func<AuthTriggerContext, ValueTask>> Auth { get; } = [];
    }

    /// <summary>What the tests' triggers saw of one session.</summary>
    private sealed class Rec(Session session)
    {
        public Session Session { get; } = session;

        public int ConnectRuns;
        public int DisconnectRuns;

        /// <summary>Every user the session was given or asked to become (a superset of the users it really had).</summary>
        public ConcurrentQueue<string> Users { get; } = new();
    }
}
