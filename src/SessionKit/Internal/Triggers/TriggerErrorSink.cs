using Microsoft.Extensions.Logging;

namespace SessionKit.Internal;

/// <summary>Logs the errors of runs that go on past failing triggers, naming the list, the trigger and the session.</summary>
internal sealed class TriggerErrorSink(ILogger logger, string listName) : ITriggerErrorSink
{
    /// <inheritdoc/>
    public void OnTriggerFailed<TContext>(TContext context, string triggerName, Exception exception)
    {
        // Boxing here is fine: this is the failure path.
        object? boxed = context;
        var sessionId = boxed switch
        {
            SessionTriggerContext c => c.Session.Id,
            ResourceBindContext c => c.Session.Id,
            UserPresenceContext c => c.Session.Id,
            SessionEvictedContext c => c.Evicted.Id,
            SessionClosingContext c => c.Session.Id,
            AccessDeniedTriggerContext c => c.Session?.Id ?? 0,
            _ => 0UL,
        };
        logger.TriggerFailed(listName, triggerName, sessionId, exception);
    }
}
