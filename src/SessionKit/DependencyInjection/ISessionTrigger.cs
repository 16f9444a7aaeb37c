namespace SessionKit;

/// <summary>
/// A trigger implemented as a class and activated by dependency injection: registered with
/// <see cref="SessionsBuilderExtensions.OnConnect{TTrigger}(ISessionsBuilder)"/> and its siblings, resolved from a new
/// service scope for every run and disposed with that scope when the run ends.
/// </summary>
/// <typeparam name="TContext">
/// What the trigger receives, the context type of its list: <see cref="SessionTriggerContext"/> for <c>on_connect</c>
/// and <c>on_disconnect</c>, <see cref="AuthTriggerContext"/> for <c>on_auth</c>, <see cref="AccessDeniedTriggerContext"/>
/// for <c>on_access_denied</c>, <see cref="UserPresenceContext"/> for <c>on_user_online</c> and <c>on_user_offline</c>,
/// <see cref="SessionEvictedContext"/> for <c>on_session_evicted</c>, <see cref="PreResourceBindContext"/> for
/// <c>on_pre_resource_bind</c>, <see cref="ResourceBindContext"/> for <c>on_resource_bind</c> and
/// <c>on_resource_unbind</c>, <see cref="SessionClosingContext"/> for <c>on_session_closing</c>.
/// </typeparam>
/// <remarks>
/// The trigger runs with the same ambient context and error rules as a delegate trigger of the same list: inside
/// <c>on_connect</c> and <c>on_disconnect</c> <see cref="SessionManager.Current"/> is the session, and so on.
/// </remarks>
public interface ISessionTrigger<in TContext>
{
    /// <summary>Runs the trigger.</summary>
    /// <param name="context">The session and the details of the event.</param>
    /// <returns>A task that completes when the trigger is done.</returns>
    ValueTask InvokeAsync(TContext context);
}
