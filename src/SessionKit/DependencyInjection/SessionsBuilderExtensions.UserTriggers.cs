using System.Diagnostics.CodeAnalysis;
using SessionKit.Internal;

namespace SessionKit;

// The per-user presence lists of manager.Users (UserSessions): a user coming online, going offline, a session evicted.
public static partial class SessionsBuilderExtensions
{
    /// <summary>Adds an <c>on_user_online</c> trigger: it runs when a user's first session joins the user index (a connect as that user, an authentication, <c>ChangeUser</c>); errors are logged.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="trigger">The trigger.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="trigger"/> is null.</exception>
    public static ISessionsBuilder OnUserOnline(this ISessionsBuilder builder, Func<UserPresenceContext, ValueTask> trigger) =>
        AddDelegate(builder, null, trigger, static m => m.Users.OnUserOnline);

    /// <summary>Adds a named <c>on_user_online</c> trigger; a later registration with the same name replaces it in place.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The trigger name: not empty, at most 256 characters, no control characters.</param>
    /// <param name="trigger">The trigger.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/>, <paramref name="name"/> or <paramref name="trigger"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, whitespace, too long or has control characters.</exception>
    public static ISessionsBuilder OnUserOnline(this ISessionsBuilder builder, string name, Func<UserPresenceContext, ValueTask> trigger) =>
        AddDelegate(builder, ValidName(name), trigger, static m => m.Users.OnUserOnline);

    /// <summary>Adds an <c>on_user_online</c> trigger implemented by <typeparamref name="TTrigger"/>, named after the type and resolved from a new service scope for every run.</summary>
    /// <typeparam name="TTrigger">The trigger class. Registered as transient unless already registered.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static ISessionsBuilder OnUserOnline<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TTrigger>(this ISessionsBuilder builder)
        where TTrigger : class, ISessionTrigger<UserPresenceContext> =>
        AddClass<TTrigger, UserPresenceContext>(builder, null, TriggerListNames.UserOnline, static m => m.Users.OnUserOnline);

    /// <summary>Adds an <c>on_user_online</c> trigger implemented by <typeparamref name="TTrigger"/> under <paramref name="name"/>.</summary>
    /// <typeparam name="TTrigger">The trigger class. Registered as transient unless already registered.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The trigger name: not empty, at most 256 characters, no control characters.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, whitespace, too long or has control characters.</exception>
    public static ISessionsBuilder OnUserOnline<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TTrigger>(this ISessionsBuilder builder, string name)
        where TTrigger : class, ISessionTrigger<UserPresenceContext> =>
        AddClass<TTrigger, UserPresenceContext>(builder, ValidName(name), TriggerListNames.UserOnline, static m => m.Users.OnUserOnline);

    /// <summary>Adds an <c>on_user_offline</c> trigger: it runs when a user's last session leaves the user index (the session is destroyed or changes user); errors are logged.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="trigger">The trigger.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="trigger"/> is null.</exception>
    public static ISessionsBuilder OnUserOffline(this ISessionsBuilder builder, Func<UserPresenceContext, ValueTask> trigger) =>
        AddDelegate(builder, null, trigger, static m => m.Users.OnUserOffline);

    /// <summary>Adds a named <c>on_user_offline</c> trigger; a later registration with the same name replaces it in place.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The trigger name: not empty, at most 256 characters, no control characters.</param>
    /// <param name="trigger">The trigger.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/>, <paramref name="name"/> or <paramref name="trigger"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, whitespace, too long or has control characters.</exception>
    public static ISessionsBuilder OnUserOffline(this ISessionsBuilder builder, string name, Func<UserPresenceContext, ValueTask> trigger) =>
        AddDelegate(builder, ValidName(name), trigger, static m => m.Users.OnUserOffline);

    /// <summary>Adds an <c>on_user_offline</c> trigger implemented by <typeparamref name="TTrigger"/>, named after the type and resolved from a new service scope for every run.</summary>
    /// <typeparam name="TTrigger">The trigger class. Registered as transient unless already registered.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <remarks>See <see cref="OnDisconnect{TTrigger}(ISessionsBuilder)"/> about disposal of the service provider: this list also runs when the host stops and the manager closes the sessions still open.</remarks>
    public static ISessionsBuilder OnUserOffline<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TTrigger>(this ISessionsBuilder builder)
        where TTrigger : class, ISessionTrigger<UserPresenceContext> =>
        AddClass<TTrigger, UserPresenceContext>(builder, null, TriggerListNames.UserOffline, static m => m.Users.OnUserOffline);

    /// <summary>Adds an <c>on_user_offline</c> trigger implemented by <typeparamref name="TTrigger"/> under <paramref name="name"/>.</summary>
    /// <typeparam name="TTrigger">The trigger class. Registered as transient unless already registered.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The trigger name: not empty, at most 256 characters, no control characters.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, whitespace, too long or has control characters.</exception>
    /// <remarks>See <see cref="OnDisconnect{TTrigger}(ISessionsBuilder)"/> about disposal of the service provider: this list also runs when the host stops and the manager closes the sessions still open.</remarks>
    public static ISessionsBuilder OnUserOffline<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TTrigger>(this ISessionsBuilder builder, string name)
        where TTrigger : class, ISessionTrigger<UserPresenceContext> =>
        AddClass<TTrigger, UserPresenceContext>(builder, ValidName(name), TriggerListNames.UserOffline, static m => m.Users.OnUserOffline);

    /// <summary>Adds an <c>on_session_evicted</c> trigger: it runs for each session closed by <see cref="SessionLimitPolicy.EvictOldest"/> to make room for a newer one of the same user; errors are logged.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="trigger">The trigger.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="trigger"/> is null.</exception>
    public static ISessionsBuilder OnSessionEvicted(this ISessionsBuilder builder, Func<SessionEvictedContext, ValueTask> trigger) =>
        AddDelegate(builder, null, trigger, static m => m.Users.OnSessionEvicted);

    /// <summary>Adds a named <c>on_session_evicted</c> trigger; a later registration with the same name replaces it in place.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The trigger name: not empty, at most 256 characters, no control characters.</param>
    /// <param name="trigger">The trigger.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/>, <paramref name="name"/> or <paramref name="trigger"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, whitespace, too long or has control characters.</exception>
    public static ISessionsBuilder OnSessionEvicted(this ISessionsBuilder builder, string name, Func<SessionEvictedContext, ValueTask> trigger) =>
        AddDelegate(builder, ValidName(name), trigger, static m => m.Users.OnSessionEvicted);

    /// <summary>Adds an <c>on_session_evicted</c> trigger implemented by <typeparamref name="TTrigger"/>, named after the type and resolved from a new service scope for every run.</summary>
    /// <typeparam name="TTrigger">The trigger class. Registered as transient unless already registered.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static ISessionsBuilder OnSessionEvicted<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TTrigger>(this ISessionsBuilder builder)
        where TTrigger : class, ISessionTrigger<SessionEvictedContext> =>
        AddClass<TTrigger, SessionEvictedContext>(builder, null, TriggerListNames.SessionEvicted, static m => m.Users.OnSessionEvicted);

    /// <summary>Adds an <c>on_session_evicted</c> trigger implemented by <typeparamref name="TTrigger"/> under <paramref name="name"/>.</summary>
    /// <typeparam name="TTrigger">The trigger class. Registered as transient unless already registered.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The trigger name: not empty, at most 256 characters, no control characters.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, whitespace, too long or has control characters.</exception>
    public static ISessionsBuilder OnSessionEvicted<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TTrigger>(this ISessionsBuilder builder, string name)
        where TTrigger : class, ISessionTrigger<SessionEvictedContext> =>
        AddClass<TTrigger, SessionEvictedContext>(builder, ValidName(name), TriggerListNames.SessionEvicted, static m => m.Users.OnSessionEvicted);
}
