using System.Diagnostics.CodeAnalysis;
using SessionKit.Internal;

namespace SessionKit;

/// <summary>
/// Chained registrations for <see cref="ISessionsBuilder"/>: triggers (as delegates or as classes activated by
/// dependency injection), users of the embedded directory, a custom user directory and the <c>Su</c> policy.
/// </summary>
/// <remarks>
/// <para>
/// Every trigger list of the manager has a method of the same name, in four forms (a delegate, a named delegate, a
/// class, a named class): the <c>box.session</c> lists of <see cref="SessionManager"/> (<c>OnConnect</c>,
/// <c>OnAuth</c>, <c>OnDisconnect</c>, <c>OnAccessDenied</c>), the per-user lists of <see cref="SessionManager.Users"/>
/// (<c>OnUserOnline</c>, <c>OnUserOffline</c>, <c>OnSessionEvicted</c>, <c>OnPreResourceBind</c>,
/// <c>OnResourceBind</c>, <c>OnResourceUnbind</c>) and the administration list of <see cref="SessionManager.Admin"/>
/// (<c>OnSessionClosing</c>).
/// </para>
/// <para>
/// Triggers are added to the manager's lists in registration order when the manager is first resolved, with the
/// lists' usual rules: each addition goes first, so the trigger registered last runs first, and an unnamed delegate
/// registered twice is added once. Triggers added to the manager later, in code, run before all of them.
/// </para>
/// </remarks>
public static partial class SessionsBuilderExtensions
{
    /// <summary>Adds an <c>on_connect</c> trigger: it runs right after a session is registered; the first error refuses the connection.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="trigger">The trigger.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="trigger"/> is null.</exception>
    public static ISessionsBuilder OnConnect(this ISessionsBuilder builder, Func<SessionTriggerContext, ValueTask> trigger) =>
        AddDelegate(builder, null, trigger, static m => m.OnConnect);

    /// <summary>Adds a named <c>on_connect</c> trigger; a later registration with the same name replaces it in place.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The trigger name: not empty, at most 256 characters, no control characters.</param>
    /// <param name="trigger">The trigger.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/>, <paramref name="name"/> or <paramref name="trigger"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, whitespace, too long or has control characters.</exception>
    public static ISessionsBuilder OnConnect(this ISessionsBuilder builder, string name, Func<SessionTriggerContext, ValueTask> trigger) =>
        AddDelegate(builder, ValidName(name), trigger, static m => m.OnConnect);

    /// <summary>
    /// Adds an <c>on_connect</c> trigger implemented by <typeparamref name="TTrigger"/>, named after the type and resolved
    /// from a new service scope for every run.
    /// </summary>
    /// <typeparam name="TTrigger">The trigger class. Registered as transient unless already registered.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static ISessionsBuilder OnConnect<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TTrigger>(this ISessionsBuilder builder)
        where TTrigger : class, ISessionTrigger<SessionTriggerContext> =>
        AddClass<TTrigger, SessionTriggerContext>(builder, null, TriggerListNames.Connect, static m => m.OnConnect);

    /// <summary>Adds an <c>on_connect</c> trigger implemented by <typeparamref name="TTrigger"/> under <paramref name="name"/>.</summary>
    /// <typeparam name="TTrigger">The trigger class. Registered as transient unless already registered.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The trigger name: not empty, at most 256 characters, no control characters.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, whitespace, too long or has control characters.</exception>
    public static ISessionsBuilder OnConnect<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TTrigger>(this ISessionsBuilder builder, string name)
        where TTrigger : class, ISessionTrigger<SessionTriggerContext> =>
        AddClass<TTrigger, SessionTriggerContext>(builder, ValidName(name), TriggerListNames.Connect, static m => m.OnConnect);

    /// <summary>Adds an <c>on_auth</c> trigger: it runs for every authentication attempt, before the user switch; the first error fails the authentication.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="trigger">The trigger.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="trigger"/> is null.</exception>
    public static ISessionsBuilder OnAuth(this ISessionsBuilder builder, Func<AuthTriggerContext, ValueTask> trigger) =>
        AddDelegate(builder, null, trigger, static m => m.OnAuth);

    /// <summary>Adds a named <c>on_auth</c> trigger; a later registration with the same name replaces it in place.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The trigger name: not empty, at most 256 characters, no control characters.</param>
    /// <param name="trigger">The trigger.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/>, <paramref name="name"/> or <paramref name="trigger"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, whitespace, too long or has control characters.</exception>
    public static ISessionsBuilder OnAuth(this ISessionsBuilder builder, string name, Func<AuthTriggerContext, ValueTask> trigger) =>
        AddDelegate(builder, ValidName(name), trigger, static m => m.OnAuth);

    /// <summary>Adds an <c>on_auth</c> trigger implemented by <typeparamref name="TTrigger"/>, named after the type and resolved from a new service scope for every run.</summary>
    /// <typeparam name="TTrigger">The trigger class. Registered as transient unless already registered.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static ISessionsBuilder OnAuth<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TTrigger>(this ISessionsBuilder builder)
        where TTrigger : class, ISessionTrigger<AuthTriggerContext> =>
        AddClass<TTrigger, AuthTriggerContext>(builder, null, TriggerListNames.Auth, static m => m.OnAuth);

    /// <summary>Adds an <c>on_auth</c> trigger implemented by <typeparamref name="TTrigger"/> under <paramref name="name"/>.</summary>
    /// <typeparam name="TTrigger">The trigger class. Registered as transient unless already registered.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The trigger name: not empty, at most 256 characters, no control characters.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, whitespace, too long or has control characters.</exception>
    public static ISessionsBuilder OnAuth<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TTrigger>(this ISessionsBuilder builder, string name)
        where TTrigger : class, ISessionTrigger<AuthTriggerContext> =>
        AddClass<TTrigger, AuthTriggerContext>(builder, ValidName(name), TriggerListNames.Auth, static m => m.OnAuth);

    /// <summary>Adds an <c>on_disconnect</c> trigger: it runs once per session after it closes; every trigger runs even when some fail (errors are logged).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="trigger">The trigger.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="trigger"/> is null.</exception>
    public static ISessionsBuilder OnDisconnect(this ISessionsBuilder builder, Func<SessionTriggerContext, ValueTask> trigger) =>
        AddDelegate(builder, null, trigger, static m => m.OnDisconnect);

    /// <summary>Adds a named <c>on_disconnect</c> trigger; a later registration with the same name replaces it in place.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The trigger name: not empty, at most 256 characters, no control characters.</param>
    /// <param name="trigger">The trigger.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/>, <paramref name="name"/> or <paramref name="trigger"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, whitespace, too long or has control characters.</exception>
    public static ISessionsBuilder OnDisconnect(this ISessionsBuilder builder, string name, Func<SessionTriggerContext, ValueTask> trigger) =>
        AddDelegate(builder, ValidName(name), trigger, static m => m.OnDisconnect);

    /// <summary>Adds an <c>on_disconnect</c> trigger implemented by <typeparamref name="TTrigger"/>, named after the type and resolved from a new service scope for every run.</summary>
    /// <typeparam name="TTrigger">The trigger class. Registered as transient unless already registered.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <remarks>
    /// A class trigger cannot be resolved while the service provider itself is being disposed, so sessions still open
    /// then log its failure instead of running it. Dispose the <see cref="SessionManager"/> first when the host stops
    /// (see docs/dependency-injection.md), or use a delegate trigger for cleanup that must run then.
    /// </remarks>
    public static ISessionsBuilder OnDisconnect<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TTrigger>(this ISessionsBuilder builder)
        where TTrigger : class, ISessionTrigger<SessionTriggerContext> =>
        AddClass<TTrigger, SessionTriggerContext>(builder, null, TriggerListNames.Disconnect, static m => m.OnDisconnect);

    /// <summary>Adds an <c>on_disconnect</c> trigger implemented by <typeparamref name="TTrigger"/> under <paramref name="name"/>.</summary>
    /// <typeparam name="TTrigger">The trigger class. Registered as transient unless already registered.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The trigger name: not empty, at most 256 characters, no control characters.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, whitespace, too long or has control characters.</exception>
    /// <remarks>See <see cref="OnDisconnect{TTrigger}(ISessionsBuilder)"/> about disposal of the service provider.</remarks>
    public static ISessionsBuilder OnDisconnect<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TTrigger>(this ISessionsBuilder builder, string name)
        where TTrigger : class, ISessionTrigger<SessionTriggerContext> =>
        AddClass<TTrigger, SessionTriggerContext>(builder, ValidName(name), TriggerListNames.Disconnect, static m => m.OnDisconnect);

    /// <summary>Adds an <c>on_access_denied</c> trigger: it runs when a connection, <c>Su</c> or <c>ChangeUser</c> is refused; errors are logged.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="trigger">The trigger.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="trigger"/> is null.</exception>
    public static ISessionsBuilder OnAccessDenied(this ISessionsBuilder builder, Func<AccessDeniedTriggerContext, ValueTask> trigger) =>
        AddDelegate(builder, null, trigger, static m => m.OnAccessDenied);

    /// <summary>Adds a named <c>on_access_denied</c> trigger; a later registration with the same name replaces it in place.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The trigger name: not empty, at most 256 characters, no control characters.</param>
    /// <param name="trigger">The trigger.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/>, <paramref name="name"/> or <paramref name="trigger"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, whitespace, too long or has control characters.</exception>
    public static ISessionsBuilder OnAccessDenied(this ISessionsBuilder builder, string name, Func<AccessDeniedTriggerContext, ValueTask> trigger) =>
        AddDelegate(builder, ValidName(name), trigger, static m => m.OnAccessDenied);

    /// <summary>Adds an <c>on_access_denied</c> trigger implemented by <typeparamref name="TTrigger"/>, named after the type and resolved from a new service scope for every run.</summary>
    /// <typeparam name="TTrigger">The trigger class. Registered as transient unless already registered.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static ISessionsBuilder OnAccessDenied<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TTrigger>(this ISessionsBuilder builder)
        where TTrigger : class, ISessionTrigger<AccessDeniedTriggerContext> =>
        AddClass<TTrigger, AccessDeniedTriggerContext>(builder, null, TriggerListNames.AccessDenied, static m => m.OnAccessDenied);

    /// <summary>Adds an <c>on_access_denied</c> trigger implemented by <typeparamref name="TTrigger"/> under <paramref name="name"/>.</summary>
    /// <typeparam name="TTrigger">The trigger class. Registered as transient unless already registered.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The trigger name: not empty, at most 256 characters, no control characters.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, whitespace, too long or has control characters.</exception>
    public static ISessionsBuilder OnAccessDenied<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TTrigger>(this ISessionsBuilder builder, string name)
        where TTrigger : class, ISessionTrigger<AccessDeniedTriggerContext> =>
        AddClass<TTrigger, AccessDeniedTriggerContext>(builder, ValidName(name), TriggerListNames.AccessDenied, static m => m.OnAccessDenied);
}
