using System.Collections.Concurrent;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Reliability.Tests.Support;

/// <summary>
/// A manager wired for fault tests: an <see cref="EventLog"/>, a fast user directory (alice/pw, admin/admin, locked) and
/// permanent counting triggers on on_connect and on_disconnect (named "count", added first so they run last).
/// </summary>
public sealed class Harness : IAsyncDisposable
{
    public Harness(SessionManagerOptions? options = null, TimeProvider? time = null, bool logging = true)
    {
        Users.Add("alice", "pw");
        Users.Add("bob", "pw");
        Users.Add("locked", "pw", mayConnect: false);
        M = new SessionManager(options, Users, logging ? Log.CreateFactory() : null, time);
        M.OnConnect.Add("count", ctx =>
        {
            Connects.AddOrUpdate(ctx.Session.Id, 1, static (_, n) => n + 1);
            return ValueTask.CompletedTask;
        });
        M.OnDisconnect.Add("count", ctx =>
        {
            Disconnects.AddOrUpdate(ctx.Session.Id, 1, static (_, n) => n + 1);
            return ValueTask.CompletedTask;
        });
    }

    public FastUserDirectory Users { get; } = new();

    public EventLog Log { get; } = new();

    public SessionManager M { get; }

    /// <summary>Gets how often the counting on_connect trigger ran per session id.</summary>
    public ConcurrentDictionary<ulong, int> Connects { get; } = new();

    /// <summary>Gets how often the counting on_disconnect trigger ran per session id.</summary>
    public ConcurrentDictionary<ulong, int> Disconnects { get; } = new();

    public int DisconnectsOf(Session session) => Disconnects.TryGetValue(session.Id, out var n) ? n : 0;

    public int ConnectsOf(Session session) => Connects.TryGetValue(session.Id, out var n) ? n : 0;

    /// <summary>Completes when the session's destroy has been logged (event 8): no polling, no sleeping.</summary>
    public Task Destroyed(Session session) => Log.WhenLogged(EventLog.SessionDestroyed, session.Id);

    /// <summary>Asserts the lifecycle guarantees for every session the log has seen registered.</summary>
    public void ShouldHaveClosedAndDestroyedEverySessionOnce(string because = "")
    {
        foreach (var id in Log.SessionsWith(EventLog.SessionConnected))
        {
            var who = $"session {id} {because}";
            Log.Count(EventLog.SessionDisconnected, id).Should().Be(1, who);
            Log.Count(EventLog.SessionDestroyed, id).Should().Be(1, who);
            (Disconnects.TryGetValue(id, out var n) ? n : 0).Should().Be(1, "on_disconnect runs exactly once for " + who);
        }
    }

    public async ValueTask DisposeAsync() => await M.DisposeAsync();
}

/// <summary>A gate a trigger or a transport waits on: released by the test, never by time.</summary>
public sealed class Gate
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Gets a task that completes once something has started waiting at the gate.</summary>
    public Task Reached => _reached.Task;

    public Task Task => _open.Task;

    public async ValueTask WaitAsync(CancellationToken cancellationToken = default)
    {
        _reached.TrySetResult();
        await _open.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Waits at the gate, ignoring cancellation: a trigger that never completes until the test says so.</summary>
    public async ValueTask WaitIgnoringCancellationAsync()
    {
        _reached.TrySetResult();
        await _open.Task;
    }

    public void Open() => _open.TrySetResult();
}
