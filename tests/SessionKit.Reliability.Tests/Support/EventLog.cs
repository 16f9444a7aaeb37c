using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SessionKit.Reliability.Tests.Support;

/// <summary>
/// A logger provider for tests that run many thousands of sessions: it counts SessionKit's log events per event id
/// and per session (so "closed exactly once" and "destroyed exactly once" can be read from event 7 and event 8),
/// keeps every warning-or-worse record, and lets a test wait for an event without polling or sleeping.
/// </summary>
/// <remarks>
/// <see cref="Probe"/> runs synchronously inside the library's logging call, so a test can observe the manager at the
/// exact point an event is written (used to expose non-atomic state transitions deterministically).
/// </remarks>
public sealed class EventLog : ILoggerProvider
{
    public const int SessionConnected = 1;
    public const int ConnectRefused = 2;
    public const int AuthFailed = 4;
    public const int AccessDenied = 5;
    public const int TriggerFailed = 6;
    public const int SessionDisconnected = 7;
    public const int SessionDestroyed = 8;
    public const int ShutdownStarted = 9;
    public const int ShutdownCompleted = 10;
    public const int ShutdownTimedOut = 11;
    public const int UserChanged = 12;
    public const int AlreadyClosed = 14;
    public const int TransportCloseFailed = 15;
    public const int SendFailed = 16;

    private readonly ConcurrentDictionary<int, long> _byEvent = new();
    private readonly ConcurrentDictionary<(int EventId, ulong SessionId), int> _bySession = new();
    private readonly ConcurrentQueue<Entry> _kept = new();
    private readonly Lock _waitLock = new();
    private readonly List<Waiter> _waiters = [];

    /// <summary>Gets or sets code run inside every logging call, with the event id and the structured state.</summary>
    public Action<int, IReadOnlyList<KeyValuePair<string, object?>>>? Probe { get; set; }

    /// <summary>Gets the records of level Warning or worse, in order.</summary>
    public IReadOnlyList<Entry> Kept => _kept.ToArray();

    public ILoggerFactory CreateFactory() => LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(this));

    public long Count(int eventId) => _byEvent.TryGetValue(eventId, out var n) ? n : 0;

    public int Count(int eventId, ulong sessionId) => _bySession.TryGetValue((eventId, sessionId), out var n) ? n : 0;

    /// <summary>Gets the ids of the sessions that have logged <paramref name="eventId"/> at least once.</summary>
    public IReadOnlyCollection<ulong> SessionsWith(int eventId) =>
        _bySession.Keys.Where(k => k.EventId == eventId).Select(k => k.SessionId).ToHashSet();

    /// <summary>Completes once session <paramref name="sessionId"/> has logged <paramref name="eventId"/> at least <paramref name="times"/> times.</summary>
    public Task WhenLogged(int eventId, ulong sessionId, int times = 1)
    {
        var waiter = new Waiter(eventId, sessionId, times, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_waitLock)
        {
            _waiters.Add(waiter);
        }

        // Registered before the check, and Log checks after counting: no count can slip between.
        if (Count(eventId, sessionId) >= times)
        {
            Complete(waiter);
        }

        return waiter.Done.Task;
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private void Complete(Waiter waiter)
    {
        lock (_waitLock)
        {
            _waiters.Remove(waiter);
        }

        waiter.Done.TrySetResult();
    }

    private void Record<TState>(LogLevel level, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var kv = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
        _byEvent.AddOrUpdate(eventId.Id, 1, static (_, n) => n + 1);
        ulong sessionId = 0;
        foreach (var pair in kv)
        {
            if (pair.Key == "SessionId" && pair.Value is ulong id)
            {
                sessionId = id;
            }
        }

        var count = _bySession.AddOrUpdate((eventId.Id, sessionId), 1, static (_, n) => n + 1);
        if (level >= LogLevel.Warning)
        {
            _kept.Enqueue(new Entry(level, eventId.Id, sessionId, formatter(state, exception), kv.ToArray(), exception));
        }

        Probe?.Invoke(eventId.Id, kv);

        Waiter[] due;
        lock (_waitLock)
        {
            due = _waiters.Count == 0 ? [] : _waiters.Where(w => w.EventId == eventId.Id && w.SessionId == sessionId && count >= w.Times).ToArray();
        }

        foreach (var waiter in due)
        {
            Complete(waiter);
        }
    }

    public sealed record Entry(LogLevel Level, int EventId, ulong SessionId, string Message, IReadOnlyList<KeyValuePair<string, object?>> State, Exception? Exception)
    {
        public object? this[string key] => State.FirstOrDefault(kv => kv.Key == key).Value;
    }

    private sealed record Waiter(int EventId, ulong SessionId, int Times, TaskCompletionSource Done);

    private sealed class Logger(EventLog owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Record(logLevel, eventId, state, exception, formatter);
    }
}
