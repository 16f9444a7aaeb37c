using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Testing;
using SessionKit.Reliability.Tests.Support;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Reliability.Tests;

/// <summary>
/// Issue 7, part 7: user switching is refused to non-admins by default (whatever on_access_denied does),
/// authentication failures do not tell unknown users from wrong passwords, passwords appear nowhere, and one session's
/// storage cannot be reached through another session's ambient context.
/// </summary>
public sealed class SecurityTests(ITestOutputHelper output)
{
    // ---- who may switch ------------------------------------------------------------------------------------------

    public static TheoryData<string, string, string> Switches => new()
    {
        { "guest", "Su", "admin" },
        { "guest", "Su", "alice" },
        { "guest", "ChangeUser", "admin" },
        { "guest", "ChangeUser", "alice" },
        { "alice", "Su", "admin" },
        { "alice", "Su", "bob" },
        { "alice", "ChangeUser", "admin" },
        { "alice", "ChangeUser", "bob" },
        { "alice", "SuAsync", "admin" },
        { "alice", "Su(action)", "admin" },
    };

    [Theory]
    [MemberData(nameof(Switches))]
    public async Task ANonAdminCaller_CannotSwitchUsers_EvenAfterOnAccessDeniedTriggersRun(string caller, string call, string target)
    {
        await using var h = new Harness();
        var ran = new ConcurrentQueue<string>();
        var later = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var retried = 0;

        // A trigger that throws, one that throws after awaiting (it finishes in the background for the synchronous
        // Su and ChangeUser), and one that retries the escalation itself, once, from the denied caller's context.
        h.M.OnAccessDenied.Add("throws-later", async _ =>
        {
            ran.Enqueue("throws-later");
            await Task.Yield();
            later.TrySetResult();
            throw new InjectedFault("on_access_denied later");
        });
        h.M.OnAccessDenied.Add("throws", _ =>
        {
            ran.Enqueue("throws");
            throw new InjectedFault("on_access_denied");
        });
        h.M.OnAccessDenied.Add("retries", _ =>
        {
            ran.Enqueue("retries");
            if (Interlocked.Exchange(ref retried, 1) == 0)
            {
                var again = Record.Exception(() => h.M.Su(target).Dispose());
                ran.Enqueue(again is AccessDeniedException ? "retry refused" : $"ESCALATED in a trigger ({again?.GetType().Name ?? "no error"})");
            }

            return ValueTask.CompletedTask;
        });

        var session = caller == "guest"
            ? await h.M.ConnectAsync(SessionType.Binary)
            : await h.M.ConnectAsync(new ConnectOptions { User = caller });
        var (thrown, userAfter, effectiveAfter) = await Task.Run(async () =>
        {
            using (h.M.Enter(session, 1))
            {
                var error = await Record.ExceptionAsync(() => SwitchAsync(h.M, call, target, () => ran.Enqueue("ESCALATED in the caller")));
                return (error, h.M.User, h.M.EffectiveUser);
            }
        });
        await later.Task;

        thrown.Should().BeOfType<AccessDeniedException>("the refusal is the caller's error, never a trigger's");
        ran.Should().NotContain(x => x.StartsWith("ESCALATED", StringComparison.Ordinal));
        ran.Should().Contain(["throws", "throws-later", "retries", "retry refused"], "every on_access_denied trigger ran");
        session.User.Name.Should().Be(caller);
        userAfter.Should().Be(caller);
        effectiveAfter.Should().Be(caller, "a refused switch leaves the caller's effective user as it was");
        h.Log.Count(EventLog.TriggerFailed).Should().BeGreaterThanOrEqualTo(1, "the throwing trigger's error is logged");
    }

    /// <summary>
    /// A careless on_access_denied trigger enters an admin session and never leaves. Other trigger lists run with the
    /// ambient context saved and restored around them, so nothing a trigger does to the ambient context reaches the
    /// caller; on_access_denied must be no different, with or without a logger.
    /// </summary>
    [Theory]
    [InlineData("Su", true)]
    [InlineData("Su", false)]
    [InlineData("ChangeUser", true)]
    [InlineData("ChangeUser", false)]
    public async Task AnOnAccessDeniedTrigger_CannotLeakItsAmbientContextIntoTheDeniedCaller(string call, bool logging)
    {
        await using var h = new Harness(logging: logging);
        var admin = await h.M.ConnectAsync(new ConnectOptions { User = "admin" });
        var entered = 0;
        h.M.OnAccessDenied.Add(_ =>
        {
            Interlocked.Increment(ref entered);
            h.M.Enter(admin); // never disposed
            return ValueTask.CompletedTask;
        });
        var session = await h.M.ConnectAsync(new ConnectOptions { User = "alice" });

        var (thrown, current, effective, escalated) = await Task.Run(async () =>
        {
            using (h.M.Enter(session, 1))
            {
                var error = await Record.ExceptionAsync(() => SwitchAsync(h.M, call, "admin", () => { }));
                var escalation = Record.Exception(() => h.M.Su("admin").Dispose());
                return (error, h.M.Current, h.M.EffectiveUser, escalation is null);
            }
        });

        entered.Should().BeGreaterThan(0, "the trigger ran");
        thrown.Should().BeOfType<AccessDeniedException>();
        current.Should().BeSameAs(session, "after a denied call the caller is still in its own session");
        effective.Should().Be("alice", "the caller did not become admin");
        escalated.Should().BeFalse("a second Su(admin) by the same caller must still be refused");
    }

    private static async Task SwitchAsync(SessionManager m, string call, string target, Action body)
    {
        switch (call)
        {
            case "Su":
                using (m.Su(target))
                {
                    body();
                }

                break;
            case "Su(action)":
                m.Su(target, body);
                break;
            case "SuAsync":
                await m.SuAsync(target, () =>
                {
                    body();
                    return ValueTask.CompletedTask;
                });
                break;
            default:
                m.ChangeUser(target);
                body();
                break;
        }
    }

    [Fact]
    public async Task AUserThatMayNotConnect_IsRefusedOnConnectAndOnAuthentication_EvenWhenOnAccessDeniedThrows()
    {
        await using var h = new Harness();
        h.M.OnAccessDenied.Add(_ => throw new InjectedFault());
        var session = await h.M.ConnectAsync(SessionType.Binary);

        var connect = await Record.ExceptionAsync(() => h.M.ConnectAsync(new ConnectOptions { User = "locked" }).AsTask());
        var auth = await Record.ExceptionAsync(() => h.M.AuthenticateAsync(session, "locked", "pw").AsTask());

        connect.Should().BeOfType<AccessDeniedException>().Which.Message.Should().Be("Session access is denied for user 'locked'");
        auth.Should().BeOfType<AccessDeniedException>().Which.Message.Should().Be("Session access is denied for user 'locked'");
        session.User.Should().Be(SessionUser.Guest);
        h.M.Users.SessionsOf("locked").Should().BeEmpty();
        h.M.Count.Should().Be(1);
    }

    // ---- no user enumeration -----------------------------------------------------------------------------------------

    [Fact]
    public async Task AuthenticationFailures_AreIdentical_ForAnUnknownUserAndAWrongPassword()
    {
        var directory = new InMemoryUserDirectory();
        directory.AddUser("alice", "right password");
        var logs = new FakeLoggerProvider();
        await using var m = new SessionManager(directory: directory, loggerFactory: logs.CreateFactory());
        var attempts = new (string User, string Password)[]
        {
            ("alice", "wrong password"),
            ("nobody", "wrong password"),
            ("nobody", "right password"),
            ("admin", "anything"),
            ("guest", "anything"),
        };

        var failures = new List<Exception?>();
        foreach (var (user, password) in attempts)
        {
            var session = await m.ConnectAsync(SessionType.Binary);
            failures.Add(await Record.ExceptionAsync(() => m.AuthenticateAsync(session, user, password).AsTask()));
            session.User.Should().Be(SessionUser.Guest);
            session.State.Should().Be(SessionState.Open, "a failed authentication leaves the session open");
        }

        failures.Should().AllBeOfType<AuthenticationFailedException>();
        failures.Select(f => f!.Message).Distinct().Should().Equal(AuthenticationFailedException.CredentialsMessage);
        failures.Should().OnlyContain(f => f!.InnerException == null && f.Data.Count == 0);
        var reasons = logs.Collector.GetSnapshot().Where(r => r.Id.Id == EventLog.AuthFailed).Select(r => r.GetStructuredStateValue("Reason")).ToArray();
        reasons.Should().HaveCount(attempts.Length);
        reasons.Distinct().Should().ContainSingle("the log does not tell them apart either");
    }

    // ---- passwords appear nowhere ------------------------------------------------------------------------------------

    [Fact]
    public async Task Passwords_AppearInNoLog_NoException_NoToString_NoTraceAndNoMetric()
    {
        const string first = "Pw-first-4b1f9e";
        const string second = "Pw-second-77c2d0";
        const string inNameField = "Pw-typed-into-the-name-field-0e5a";
        string[] secrets = [first, second, inNameField];

        var texts = new ConcurrentQueue<string>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name == SessionKitDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                texts.Enqueue(a.DisplayName + " " + a.StatusDescription);
                foreach (var tag in a.TagObjects)
                {
                    texts.Enqueue($"{tag.Key}={tag.Value}");
                }

                foreach (var e in a.Events)
                {
                    texts.Enqueue(e.Name + string.Join(",", e.Tags.Select(t => $"{t.Key}={t.Value}")));
                }
            },
        };
        ActivitySource.AddActivityListener(activities);
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == SessionKitDiagnostics.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((_, _, tags, _) => Record(tags));
        meters.SetMeasurementEventCallback<double>((_, _, tags, _) => Record(tags));
        meters.Start();

        var directory = new InMemoryUserDirectory();
        var logs = new FakeLoggerProvider();
        var caught = new List<Exception>();
        var alice = directory.AddUser("alice", first);
        await using (var m = new SessionManager(directory: directory, loggerFactory: logs.CreateFactory()))
        {
            m.OnAuth.Add(ctx => ctx.Succeeded ? ValueTask.CompletedTask : throw new InjectedFault("on_auth refused the attempt"));
            directory.SetPassword("alice", second);
            var session = await m.ConnectAsync(new ConnectOptions { Connection = new RecordingConnection() });
            await Catch(() => m.AuthenticateAsync(session, "alice", first).AsTask());
            var again = await m.ConnectAsync(SessionType.Binary);
            await Catch(() => m.AuthenticateAsync(again, inNameField, "x").AsTask());
            var third = await m.ConnectAsync(SessionType.Binary);
            (await m.AuthenticateAsync(third, "alice", second)).Should().Be(alice);
            await Catch(() => Task.FromResult(directory.AddUser("alice", second)));
            await Catch(() => Task.FromResult(directory.AddUser(inNameField + "\u0001", second)));
            using (m.Enter(third))
            {
                await Catch(() => Task.FromResult(m.Su("admin")));
            }

            texts.Enqueue(session.ToString());
            texts.Enqueue(third.ToString());
            texts.Enqueue(third.User.ToString());
            texts.Enqueue(third.Storage.ToString());
            texts.Enqueue(directory.ToString()!);
            texts.Enqueue(string.Join(";", directory.Users));
            texts.Enqueue(m.ToString()!);
            texts.Enqueue(string.Join(";", m.Admin.ListSessions()));
            texts.Enqueue(string.Join(";", m.GetSessions()));
        }

        foreach (var record in logs.Collector.GetSnapshot())
        {
            texts.Enqueue(record.Message);
            texts.Enqueue(string.Join(";", (record.StructuredState ?? []).Select(kv => $"{kv.Key}={kv.Value}")));
            texts.Enqueue(string.Join(";", record.Scopes));
            texts.Enqueue(record.Exception?.ToString() ?? string.Empty);
        }

        foreach (var ex in caught)
        {
            texts.Enqueue(ex.ToString());
        }

        caught.Should().HaveCount(5);
        logs.Collector.GetSnapshot().Should().NotBeEmpty();
        texts.Where(t => secrets.Any(s => t.Contains(s, StringComparison.Ordinal))).Should().BeEmpty("no password may be logged, traced, measured, thrown or printed");
        Figures.Report(output, "security/passwords", ("texts inspected", texts.Count), ("log records", logs.Collector.GetSnapshot().Count), ("exceptions", caught.Count));

        async Task Catch<T>(Func<Task<T>> call)
        {
            try
            {
                await call();
            }
            catch (Exception ex)
            {
                caught.Add(ex);
            }
        }

        void Record(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                texts.Enqueue($"{tag.Key}={tag.Value}");
            }
        }
    }

    // ---- storage isolation -----------------------------------------------------------------------------------------

    [Fact]
    public async Task OneSessionsStorage_IsUnreachableThroughAnotherSessionsContext()
    {
        var users = new FastUserDirectory();
        users.Add("alice", "pw");
        users.Add("bob", "pw");
        await using var m = new SessionManager(directory: users);
        var a = await m.ConnectAsync(new ConnectOptions { User = "alice" });
        var b = await m.ConnectAsync(new ConnectOptions { User = "bob" });
        var inA = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bLooked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Task? lateTaskOfA = null;
        var flowA = Task.Run(async () =>
        {
            using (m.Enter(a, 1))
            {
                m.Storage.Set("secret", "a's secret");
                lateTaskOfA = Task.Run(async () =>
                {
                    await release.Task;
                    return Record.Exception(() => m.Storage);
                });
                inA.SetResult();
                await bLooked.Task;
                using (m.Enter(b, 2))
                {
                    m.Storage.Get("secret").Should().BeNull("inside b's request, m.Storage is b's");
                }

                m.Storage.Get("secret").Should().Be("a's secret", "leaving b's request restores a's storage");
            }
        });

        await inA.Task;
        var flowB = Task.Run(() =>
        {
            using (m.Enter(b, 3))
            {
                m.Storage.Get("secret").Should().BeNull("b's concurrent request cannot see a's values");
                m.Storage.GetStringKeys().Should().BeEmpty();
                m.Storage.Should().NotBeSameAs(a.Storage);
            }

            bLooked.SetResult();
        });
        await Task.WhenAll(flowA, flowB);
        var heldByA = a.Storage;
        await m.DisconnectAsync(a);
        release.SetResult();
        var late = await (Task<Exception?>)lateTaskOfA!;

        late.Should().BeOfType<InvalidOperationException>("a task outliving a's session reaches no storage at all, not b's");
        heldByA.Get("secret").Should().BeNull("destroy cleared a's storage");
        var write = Record.Exception(() => heldByA.Set("secret", "again"));
        write.Should().BeOfType<SessionClosedException>();
        b.Storage.Get("secret").Should().BeNull();
        m.Current.Should().BeNull();
    }

    /// <summary>
    /// A host's request watchdog disposing a request scope from another flow: SessionScope's docs say what holds.
    /// </summary>
    [Fact]
    public async Task AScopeDisposedFromAnotherFlow_ReleasesItsRequest_AndTheSessionIsGoneFromEveryFlowOnceDestroyed()
    {
        // A flow that inherited a scope (a task started inside it) and disposes it restores its own view only; the
        // entering flow, like any task that outlives its request, keeps the session until it is destroyed (design.md
        // "Identity"). What must hold: the request reference is released once, so destroy is not delayed by it,
        // and after destroy no flow sees the session or reaches its storage.
        await using var m = new SessionManager(directory: new FastUserDirectory());
        var session = await m.ConnectAsync(SessionType.Binary);

        var (before, after, storageReachable) = await Task.Run(async () =>
        {
            var scope = m.Enter(session, 77);
            var seenInDisposer = await Task.Run(() =>
            {
                scope.Dispose(); // the watchdog, in a flow that inherited the scope
                return m.Current;
            });
            seenInDisposer.Should().BeNull("the disposing flow restored its own view");
            var seenBefore = m.Current;
            await m.DisconnectAsync(session); // destroys at once: the only request reference was released
            var reachable = Record.Exception(() => m.Storage) is null;
            var seenAfter = m.Current;
            scope.Dispose(); // the request's own using: idempotent
            return (seenBefore, seenAfter, reachable);
        });

        before.Should().BeSameAs(session, "the entering flow, like an inherited task, keeps the session until destroy");
        session.State.Should().Be(SessionState.Destroyed, "the disposed scope no longer holds the session open");
        after.Should().BeNull("a destroyed session is gone from every flow");
        storageReachable.Should().BeFalse("the session's storage is no longer reachable through the ambient context");
        m.Current.Should().BeNull();
    }

    [Fact]
    public async Task SessionsCreatedConcurrently_NeverShareAStorage()
    {
        await using var m = new SessionManager(directory: new FastUserDirectory());
        var sessions = new List<Session>();
        for (var i = 0; i < 200; i++)
        {
            sessions.Add(await m.ConnectAsync(SessionType.Binary));
        }

        // Two flows race to create each session's storage on first use; both must get the same one, and no two
        // sessions may get the same one.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var left = Task.Run(async () =>
        {
            await gate.Task;
            return sessions.Select(s => s.Storage).ToArray();
        });
        var right = Task.Run(async () =>
        {
            await gate.Task;
            return sessions.AsEnumerable().Reverse().Select(s => s.Storage).Reverse().ToArray();
        });
        gate.SetResult();
        var (l, r) = (await left, await right);

        l.Zip(r).Should().OnlyContain(p => ReferenceEquals(p.First, p.Second));
        l.Distinct(ReferenceEqualityComparer.Instance).Should().HaveCount(sessions.Count);
    }
}
