namespace SessionKit;

/// <summary>
/// A trigger implemented as a class and activated by dependency injection: registered with
/// <see cref="SessionsBuilderExtensions.OnConnect{TTrigger}(ISessionsBuilder)"/> and its siblings, resolved from a new
/// service scope for every run and disposed with that scope when the run ends.
/// </summary>
/// <typeparam name="TContext">
/// What the trigger receives: <see cref="SessionTriggerContext"/> for <c>on_connect</c> and <c>on_disconnect</c>,
/// <see cref="AuthTriggerContext"/> for <c>on_auth</c>, <see cref="AccessDeniedTriggerContext"/> for
/// <c>on_access_denied</c>.
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
