using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SessionKit.Tests.Diagnostics;

/// <summary>
/// Keeps, for every record, a copy of the key/value pairs of the scopes active when it was written. SessionKit's
/// session scope reads the session live (so a later user change would show in a stored reference); this provider
/// shows what a console or file logger formats at write time.
/// </summary>
public sealed class ScopeSnapshotLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<(string Message, IReadOnlyList<IReadOnlyDictionary<string, object?>> Scopes)> _records = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<(string Message, IReadOnlyList<IReadOnlyDictionary<string, object?>> Scopes)> Records => _records.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(ScopeSnapshotLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopes = new List<IReadOnlyDictionary<string, object?>>();
            owner._scopes.ForEachScope(
                (scope, list) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        list.Add(pairs.ToDictionary(kv => kv.Key, kv => kv.Value));
                    }
                },
                scopes);
            owner._records.Enqueue((formatter(state, exception), scopes));
        }
    }
}
