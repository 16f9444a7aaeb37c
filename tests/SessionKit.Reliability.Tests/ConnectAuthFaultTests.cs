using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using SessionKit.Reliability.Tests.Support;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Reliability.Tests;

/// <summary>
/// Issue 12: a fault-injection pass over every await of the connect and authenticate paths. At each point (the
/// pre-authenticated user's on_user_online, on_connect, the directory's VerifyAsync, on_auth) a test-owned gate holds
/// the flow; then one fault (cancel, throw, or a hang released by the test) and one concurrent closer (a close, a
/// kick, shutdown, or none) are applied. Whatever the combination, every session ends closed, destroyed and
/// on_disconnect-ed exactly once, on_connect never runs after on_disconnect, and Count returns to 0.
/// </summary>
public sealed class ConnectAuthFaultTests
{
    private static readonly TimeSpan Watchdog = TimeSpan.FromMinutes(1);

    public static TheoryData<string, string, string> Matrix()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var point in new[] { "user-online", "on-connect", "verify", "on-auth" })
        {
            foreach (var fault in new[] { "cancel", "throw", "hang" })
            {
                foreach (var closer in new[] { "none", "close", "kick", "shutdown" })
                {
                    data.Add(point, fault, closer);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task FaultAtEveryAwait_WithAConcurrentCloser_EverySessionEndsClosedDestroyedOnce(string point, string fault, string closer)
    {
        var gate = new Gate();
        var error = new InjectedFault();
        using var cts = new CancellationTokenSource();
        var directory = new GatedDirectory(point == "verify" ? gate : null, fault == "throw" ? error : null);
        directory.Add("alice", "pw");
        var log = new EventLog();
        await using var m = new SessionManager(new SessionManagerOptions { ShutdownTimeout = Watchdog }, directory, log.CreateFactory());
        var order = new ConcurrentDictionary<ulong, ConcurrentQueue<string>>();
        void Note(Session s, string what) => order.GetOrAdd(s.Id, _ => new ConcurrentQueue<string>()).Enqueue(what);

        async ValueTask Fault(string at, CancellationToken token)
        {
            if (point != at)
            {
                return;
            }

            await gate.WaitAsync(fault == "hang" ? CancellationToken.None : token);
            if (fault == "throw")
            {
                throw error;
            }
        }

        m.Users.OnUserOnline.Add(async ctx => await Fault("user-online", ctx.CancellationToken));
        m.OnConnect.Add(async ctx =>
        {
            Note(ctx.Session, "connect start");
            await Fault("on-connect", ctx.CancellationToken);
            Note(ctx.Session, "connect end");
        });
        m.OnAuth.Add(async ctx => await Fault("on-auth", ctx.CancellationToken));
        m.OnDisconnect.Add(ctx =>
        {
            Note(ctx.Session, "disconnect");
            return ValueTask.CompletedTask;
        });

        Task operation;
        if (point is "user-online" or "on-connect")
        {
            var options = point == "user-online" ? new ConnectOptions { User = "alice" } : new ConnectOptions();
            operation = m.ConnectAsync(options, cts.Token).AsTask();
        }
        else
        {
            var session = await m.ConnectAsync(SessionType.Binary);
            operation = m.AuthenticateAsync(session, "alice", "pw", cts.Token).AsTask();
        }

        await gate.Reached.WaitAsync(Watchdog);
        var target = m.GetSessions().Single();
        var closing = closer switch
        {
            "close" => target.CloseAsync(SessionCloseReason.Kicked).AsTask(),
            "kick" => m.Admin.KickAsync(target.Id).AsTask(),
            "shutdown" => m.DisposeAsync().AsTask(),
            _ => Task.CompletedTask,
        };

        if (fault == "cancel")
        {
            await cts.CancelAsync();
        }

        gate.Open();
        var thrown = await Record.ExceptionAsync(() => operation.WaitAsync(Watchdog));
        await closing.WaitAsync(Watchdog);
        if (closer == "none" && target.State == SessionState.Open)
        {
            await m.DisconnectAsync(target).AsTask().WaitAsync(Watchdog);
        }

        await log.WhenLogged(EventLog.SessionDestroyed, target.Id).WaitAsync(Watchdog);
        if (closer != "shutdown")
        {
            // A disposed manager refuses Count; after shutdown the destroy events below say the same.
            m.Count.Should().Be(0);
        }

        await m.DisposeAsync().AsTask().WaitAsync(Watchdog);

        // on_user_online's errors are logged (it runs on past them), so a throw or a cancel there alone fails nothing.
        var expectsFailure = closer != "none" || (fault != "hang" && point != "user-online");
        if (expectsFailure)
        {
            thrown.Should().NotBeNull($"{fault} at {point} with closer {closer} fails the operation");
        }
        else
        {
            thrown.Should().BeNull();
        }

        if (closer != "none" && fault == "hang")
        {
            thrown.Should().Match(e => e is SessionClosedException || e is ObjectDisposedException, "a session closed during its connect or authentication is never handed back as if open");
        }

        var authenticated = point == "user-online" || (point is "verify" or "on-auth" && thrown is null);
        target.User.Name.Should().Be(authenticated ? "alice" : "guest", "a failed authentication never changes the user, not even the tombstone's");

        target.State.Should().Be(SessionState.Destroyed);
        log.Count(EventLog.SessionDisconnected, target.Id).Should().Be(1, "closed exactly once");
        log.Count(EventLog.SessionDestroyed, target.Id).Should().Be(1, "destroyed exactly once");
        var events = order[target.Id].ToArray();
        events.Count(e => e == "disconnect").Should().Be(1, "on_disconnect exactly once");
        events.Last().Should().Be("disconnect", $"on_connect never runs after on_disconnect (saw {string.Join(", ", events)})");
    }

    /// <summary>A directory whose VerifyAsync waits at a test-owned gate, then answers or throws.</summary>
    private sealed class GatedDirectory(Gate? gate, Exception? error) : IUserDirectory
    {
        private readonly FastUserDirectory _inner = new();

        public void Add(string name, string password) => _inner.Add(name, password);

        public bool TryFindUser(string name, [NotNullWhen(true)] out SessionUser? user) => _inner.TryFindUser(name, out user);

        public async ValueTask<SessionUser?> VerifyAsync(string name, string password, CancellationToken cancellationToken = default)
        {
            if (gate is not null)
            {
                await gate.WaitAsync(cancellationToken);
                if (error is not null)
                {
                    throw error;
                }
            }

            return await _inner.VerifyAsync(name, password, cancellationToken);
        }

        public bool MayConnect(SessionUser user) => _inner.MayConnect(user);
    }
}
