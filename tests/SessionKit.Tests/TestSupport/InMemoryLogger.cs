using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SessionKit.Tests.TestSupport;

/// <summary>One log record as a test sees it: level, event, rendered message, structured state, exception and the scopes around it.</summary>
public sealed record LogRecord(
    string Category,
    LogLevel Level,
    EventId EventId,
    string Message,
    IReadOnlyList<KeyValuePair<string, object?>> State,
    Exception? Exception,
    IReadOnlyList<object?> Scopes)
{
    public object? this[string key] => State.FirstOrDefault(kv => kv.Key == key).Value;
}

/// <summary>
/// An <see cref="ILoggerProvider"/> that keeps every record in memory, with the active scopes.
/// (Microsoft.Extensions.Diagnostics.Testing's FakeLogger is not available from this machine's registry.)
/// </summary>
public sealed class InMemoryLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<LogRecord> _records = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<LogRecord> Records => _records.ToArray();

    public ILoggerFactory CreateFactory() => LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(this));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(InMemoryLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopes = new List<object?>();
            owner._scopes.ForEachScope((scope, list) => list.Add(scope), scopes);
            var kv = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            owner._records.Enqueue(new LogRecord(category, logLevel, eventId, formatter(state, exception), kv.ToArray(), exception, scopes));
        }
    }
}
