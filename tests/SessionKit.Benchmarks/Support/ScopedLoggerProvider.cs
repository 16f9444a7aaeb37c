using Microsoft.Extensions.Logging;

namespace SessionKit.Benchmarks.Support;

/// <summary>
/// A logging provider with scopes enabled that writes nothing: <see cref="LoggerFactory"/> then keeps scopes in its
/// external scope provider (as the console provider with IncludeScopes does), so a benchmark measures the real
/// BeginScope path of Microsoft.Extensions.Logging without the cost of output.
/// </summary>
public sealed class ScopedLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider? _scopes;

    public ILogger CreateLogger(string categoryName) => new ScopedLogger(this);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class ScopedLogger(ScopedLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => provider._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
        }
    }
}
