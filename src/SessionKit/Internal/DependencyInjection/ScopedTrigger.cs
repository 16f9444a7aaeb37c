using Microsoft.Extensions.DependencyInjection;

namespace SessionKit.Internal;

/// <summary>Adapts an <see cref="ISessionTrigger{TContext}"/> class to a trigger delegate that resolves it from a new scope for every run.</summary>
internal static class ScopedTrigger
{
    public static Func<TContext, ValueTask> Create<TTrigger, TContext>(IServiceScopeFactory scopes, string listName, string triggerName)
        where TTrigger : class, ISessionTrigger<TContext> =>
        context => InvokeAsync<TTrigger, TContext>(scopes, listName, triggerName, context);

    private static async ValueTask InvokeAsync<TTrigger, TContext>(IServiceScopeFactory scopes, string listName, string triggerName, TContext context)
        where TTrigger : class, ISessionTrigger<TContext>
    {
        AsyncServiceScope scope;
        try
        {
            scope = scopes.CreateAsyncScope();
        }
        catch (ObjectDisposedException ex)
        {
            // The container is being disposed (host stop) and took the manager down with it: nothing can be resolved.
            throw new InvalidOperationException(
                $"The {listName} trigger {triggerName} cannot run: the service provider was disposed before the session manager. Dispose the SessionManager before the service provider (for example when the host stops) so that triggers registered as classes can still be resolved.",
                ex);
        }

        await using (scope.ConfigureAwait(false))
        {
            var trigger = scope.ServiceProvider.GetRequiredService<TTrigger>();
            await trigger.InvokeAsync(context).ConfigureAwait(false);
        }
    }
}
