using System.Collections.Concurrent;

namespace SessionKit.AspNetCore.Tests;

/// <summary>
/// Records <c>on_connect</c> and <c>on_disconnect</c> runs per session (with the close reason), and lets a test await a
/// number of them: the server-side state a test synchronizes on.
/// </summary>
internal sealed class TriggerJournal
{
    private readonly ConcurrentDictionary<ulong, int> _disconnects = new();
    private readonly ConcurrentDictionary<ulong, SessionCloseReason?> _reasons = new();
    private readonly ConcurrentQueue<Session> _connected = new();
    private readonly object _gate = new();
    private readonly List<(int Count, TaskCompletionSource Done, bool Disconnects)> _waits = [];
    private int _connectCount;
    private int _disconnectCount;

    public IReadOnlyCollection<Session> Connected => _connected.ToArray();

    public int DisconnectRuns => Volatile.Read(ref _disconnectCount);

    public IReadOnlyDictionary<ulong, int> DisconnectsPerSession => _disconnects;

    public SessionCloseReason? ReasonOf(ulong id) => _reasons.TryGetValue(id, out var reason) ? reason : null;

    public ISessionsBuilder Register(ISessionsBuilder builder) => builder
        .OnConnect(context =>
        {
            _connected.Enqueue(context.Session);
            Signal(Interlocked.Increment(ref _connectCount), disconnects: false);
            return ValueTask.CompletedTask;
        })
        .OnDisconnect(context =>
        {
            _reasons[context.Session.Id] = context.Reason;
            _disconnects.AddOrUpdate(context.Session.Id, 1, static (_, n) => n + 1);
            Signal(Interlocked.Increment(ref _disconnectCount), disconnects: true);
            return ValueTask.CompletedTask;
        });

    public Task Connects(int count) => Wait(count, disconnects: false);

    public Task Disconnects(int count) => Wait(count, disconnects: true);

    private Task Wait(int count, bool disconnects)
    {
        lock (_gate)
        {
            if ((disconnects ? Volatile.Read(ref _disconnectCount) : Volatile.Read(ref _connectCount)) >= count)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waits.Add((count, done, disconnects));
            return done.Task.WaitAsync(KestrelApp.Watchdog);
        }
    }

    private void Signal(int reached, bool disconnects)
    {
        lock (_gate)
        {
            foreach (var wait in _waits.Where(w => w.Disconnects == disconnects && w.Count <= reached).ToArray())
            {
                wait.Done.TrySetResult();
                _waits.Remove(wait);
            }
        }
    }
}
