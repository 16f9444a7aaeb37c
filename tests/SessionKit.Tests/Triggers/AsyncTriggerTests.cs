namespace SessionKit.Tests.Triggers;

/// <summary>
/// Triggers are async (<see cref="ValueTask"/>): they may await, the calls that run them wait for them, the run order
/// and the ambient context survive the awaits, and a trigger that completes synchronously costs no allocation.
/// </summary>
public abstract class AsyncTriggerTestsBase(bool logging) : IAsyncLifetime
{
    private readonly TriggerTestHost _host = new(logging);

    private SessionManager Manager => _host.Manager;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ConnectAsync_WaitsForAnAwaitingTrigger_AndTheRestRunAfterItInOrder()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Manager.OnConnect.Add(_host.SessionTrigger("A"));
        Manager.OnConnect.Add(async _ =>
        {
            _host.Record("B before");
            entered.SetResult();
            await gate.Task;
            _host.Record("B after");
        });
        Manager.OnConnect.Add(_host.SessionTrigger("C"));

        var connect = _host.ConnectAsync().AsTask();
        await entered.Task;

        connect.IsCompleted.Should().BeFalse();
        _host.Ran.Should().Equal("C", "B before");

        gate.SetResult();
        var session = await connect;

        _host.Ran.Should().Equal("C", "B before", "B after", "A");
        _host.Seen.Should().OnlyContain(s => ReferenceEquals(s.Current, session) && s.EffectiveUser == "admin" && s.Sync == 0);
    }

    [Fact]
    public async Task DisconnectAsync_WaitsForAwaitingTriggers_AndTheSessionExistsUntilTheyFinish()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var session = await _host.ConnectAsync();
        Manager.OnDisconnect.Add(_host.SessionTrigger("D1"));
        Manager.OnDisconnect.Add(async _ =>
        {
            entered.SetResult();
            await gate.Task;
            _host.Record("D2");
        });

        var disconnect = Manager.DisconnectAsync(session).AsTask();
        await entered.Task;

        disconnect.IsCompleted.Should().BeFalse();
        Manager.Exists(session.Id).Should().BeTrue("destroy waits for on_disconnect");
        session.State.Should().Be(SessionState.Closed);

        gate.SetResult();
        await disconnect;

        _host.Ran.Should().Equal("D2", "D1");
        _host.Seen.Should().OnlyContain(s => s.Exists && s.Id == session.Id);
        Manager.Exists(session.Id).Should().BeFalse();
    }

    [Fact]
    public async Task AuthenticateAsync_SwitchesTheUserOnlyAfterAnAwaitingOnAuthTrigger()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var session = await _host.ConnectAsync();
        Manager.OnAuth.Add(async _ =>
        {
            entered.SetResult();
            await gate.Task;
            _host.Record("U");
        });

        Task<SessionUser> auth;
        using (Manager.Enter(session, 11))
        {
            auth = Manager.AuthenticateAsync(session, "alice", "secret").AsTask();
        }

        await entered.Task;
        session.User.Name.Should().Be("guest");

        gate.SetResult();
        (await auth).Name.Should().Be("alice");

        var seen = _host.Seen.Should().ContainSingle().Subject;
        (seen.User, seen.EffectiveUser, seen.Sync).Should().Be(("guest", "guest", 11UL), "the context survives the await");
    }

    [Fact]
    public async Task ManyAwaitingTriggers_RunOneAfterAnother_NeverConcurrently()
    {
        var running = 0;
        var maxRunning = 0;
        for (var i = 0; i < 4; i++)
        {
            var label = $"T{i}";
            Manager.OnConnect.Add(async _ =>
            {
                var now = Interlocked.Increment(ref running);
                maxRunning = Math.Max(maxRunning, now);
                await Task.Yield();
                _host.Record(label);
                Interlocked.Decrement(ref running);
            });
        }

        await _host.ConnectAsync();

        maxRunning.Should().Be(1);
        _host.Ran.Should().Equal("T3", "T2", "T1", "T0");
    }

    [Fact]
    public async Task TheCallersContext_IsRestoredAfterAnAwaitingTrigger()
    {
        var caller = await _host.ConnectAsync();
        Manager.OnConnect.Add(async _ =>
        {
            await Task.Yield();
            _host.Record("C");
        });

        using (Manager.Enter(caller, 5))
        {
            var created = await _host.ConnectAsync();
            Manager.Current.Should().BeSameAs(caller);
            Manager.Sync.Should().Be(5);
            _host.Seen.Single().Current.Should().BeSameAs(created);
        }
    }

    [Fact]
    public async Task InvokeAsync_OfSynchronousTriggers_AllocatesNothing()
    {
        var list = new TriggerList<SessionTriggerContext>();
        list.Add(static _ => default);
        list.Add("named", static _ => ValueTask.CompletedTask);
        list.Add(SynchronousTrigger);
        var session = await _host.ConnectAsync();
        var context = new SessionTriggerContext(session, CancellationToken.None);

        // Warm up: JIT, tiering and any lazy initialisation happen here, not in the measured loop.
        for (var i = 0; i < 1_000; i++)
        {
            await list.InvokeAsync(context);
        }

        var notSynchronous = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            var pending = list.InvokeAsync(context);
            if (!pending.IsCompletedSuccessfully)
            {
                notSynchronous++;
            }

            pending.GetAwaiter().GetResult();
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        notSynchronous.Should().Be(0);
        allocated.Should().Be(0);
    }

    private static ValueTask SynchronousTrigger(SessionTriggerContext context) => default;
}

/// <summary>The async tests with a logger: trigger runs take the path that opens a logging scope.</summary>
public sealed class AsyncTriggerTests() : AsyncTriggerTestsBase(logging: true);

/// <summary>The async tests without a logger: runs of synchronous triggers stay synchronous.</summary>
public sealed class AsyncTriggerWithoutLoggerTests() : AsyncTriggerTestsBase(logging: false);
