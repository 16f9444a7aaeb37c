using System.Diagnostics.CodeAnalysis;
using SessionKit.Internal;

namespace SessionKit;

// The resource lists of manager.Users (UserSessions): before a bind, after a bind, after an unbind.
public static partial class SessionsBuilderExtensions
{
    /// <summary>Adds an <c>on_pre_resource_bind</c> trigger: it runs before a resource is bound (Prosody's <c>pre-resource-bind</c>) and may rewrite the resource or veto the bind; an error fails the bind.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="trigger">The trigger.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="trigger"/> is null.</exception>
    public static ISessionsBuilder OnPreResourceBind(this ISessionsBuilder builder, Func<PreResourceBindContext, ValueTask> trigger) =>
        AddDelegate(builder, null, trigger, static m => m.Users.OnPreResourceBind);

    /// <summary>Adds a named <c>on_pre_resource_bind</c> trigger; a later registration with the same name replaces it in place.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The trigger name: not empty, at most 256 characters, no control characters.</param>
    /// <param name="trigger">The trigger.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/>, <paramref name="name"/> or <paramref name="trigger"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, whitespace, too long or has control characters.</exception>
    public static ISessionsBuilder OnPreResourceBind(this ISessionsBuilder builder, string name, Func<PreResourceBindContext, ValueTask> trigger) =>
        AddDelegate(builder, ValidName(name), trigger, static m => m.Users.OnPreResourceBind);

    /// <summary>Adds an <c>on_pre_resource_bind</c> trigger implemented by <typeparamref name="TTrigger"/>, named after the type and resolved from a new service scope for every run.</summary>
    /// <typeparam name="TTrigger">The trigger class. Registered as transient unless already registered.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static ISessionsBuilder OnPreResourceBind<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TTrigger>(this ISessionsBuilder builder)
        where TTrigger : class, ISessionTrigger<PreResourceBindContext> =>
        AddClass<TTrigger, PreResourceBindContext>(builder, null, TriggerListNames.PreResourceBind, static m => m.Users.OnPreResourceBind);

    /// <summary>Adds an <c>on_pre_resource_bind</c> trigger implemented by <typeparamref name="TTrigger"/> under <paramref name="name"/>.</summary>
    /// <typeparam name="TTrigger">The trigger class. Registered as transient unless already registered.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The trigger name: not empty, at most 256 characters, no control characters.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, whitespace, too long or has control characters.</exception>
    public static ISessionsBuilder OnPreResourceBind<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TTrigger>(this ISessionsBuilder builder, string name)
        where TTrigger : class, ISessionTrigger<PreResourceBindContext> =>
        AddClass<TTrigger, PreResourceBindContext>(builder, ValidName(name), TriggerListNames.PreResourceBind, static m => m.Users.OnPreResourceBind);

    /// <summary>Adds an <c>on_resource_bind</c> trigger: it runs after a resource is bound; an error rolls the bind back and fails it.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="trigger">The trigger.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="trigger"/> is null.</exception>
    public static ISessionsBuilder OnResourceBind(this ISessionsBuilder builder, Func<ResourceBindContext, ValueTask> trigger) =>
        AddDelegate(builder, null, trigger, static m => m.Users.OnResourceBind);

    /// <summary>Adds a named <c>on_resource_bind</c> trigger; a later registration with the same name replaces it in place.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The trigger name: not empty, at most 256 characters, no control characters.</param>
    /// <param name="trigger">The trigger.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/>, <paramref name="name"/> or <paramref name="trigger"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, whitespace, too long or has control characters.</exception>
    public static ISessionsBuilder OnResourceBind(this ISessionsBuilder builder, string name, Func<ResourceBindContext, ValueTask> trigger) =>
        AddDelegate(builder, ValidName(name), trigger, static m => m.Users.OnResourceBind);

    /// <summary>Adds an <c>on_resource_bind</c> trigger implemented by <typeparamref name="TTrigger"/>, named after the type and resolved from a new service scope for every run.</summary>
    /// <typeparam name="TTrigger">The trigger class. Registered as transient unless already registered.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static ISessionsBuilder OnResourceBind<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TTrigger>(this ISessionsBuilder builder)
        where TTrigger : class, ISessionTrigger<ResourceBindContext> =>
        AddClass<TTrigger, ResourceBindContext>(builder, null, TriggerListNames.ResourceBind, static m => m.Users.OnResourceBind);

    /// <summary>Adds an <c>on_resource_bind</c> trigger implemented by <typeparamref name="TTrigger"/> under <paramref name="name"/>.</summary>
    /// <typeparam name="TTrigger">The trigger class. Registered as transient unless already registered.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The trigger name: not empty, at most 256 characters, no control characters.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, whitespace, too long or has control characters.</exception>
    public static ISessionsBuilder OnResourceBind<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TTrigger>(this ISessionsBuilder builder, string name)
        where TTrigger : class, ISessionTrigger<ResourceBindContext> =>
        AddClass<TTrigger, ResourceBindContext>(builder, ValidName(name), TriggerListNames.ResourceBind, static m => m.Users.OnResourceBind);

    /// <summary>Adds an <c>on_resource_unbind</c> trigger: it runs when a session with a bound resource closes or changes user; errors are logged.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="trigger">The trigger.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="trigger"/> is null.</exception>
    public static ISessionsBuilder OnResourceUnbind(this ISessionsBuilder builder, Func<ResourceBindContext, ValueTask> trigger) =>
        AddDelegate(builder, null, trigger, static m => m.Users.OnResourceUnbind);

    /// <summary>Adds a named <c>on_resource_unbind</c> trigger; a later registration with the same name replaces it in place.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The trigger name: not empty, at most 256 characters, no control characters.</param>
    /// <param name="trigger">The trigger.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/>, <paramref name="name"/> or <paramref name="trigger"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, whitespace, too long or has control characters.</exception>
    public static ISessionsBuilder OnResourceUnbind(this ISessionsBuilder builder, string name, Func<ResourceBindContext, ValueTask> trigger) =>
        AddDelegate(builder, ValidName(name), trigger, static m => m.Users.OnResourceUnbind);

    /// <summary>Adds an <c>on_resource_unbind</c> trigger implemented by <typeparamref name="TTrigger"/>, named after the type and resolved from a new service scope for every run.</summary>
    /// <typeparam name="TTrigger">The trigger class. Registered as transient unless already registered.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <remarks>See <see cref="OnDisconnect{TTrigger}(ISessionsBuilder)"/> about disposal of the service provider: this list also runs when the host stops and the manager closes the sessions still open.</remarks>
    public static ISessionsBuilder OnResourceUnbind<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TTrigger>(this ISessionsBuilder builder)
        where TTrigger : class, ISessionTrigger<ResourceBindContext> =>
        AddClass<TTrigger, ResourceBindContext>(builder, null, TriggerListNames.ResourceUnbind, static m => m.Users.OnResourceUnbind);

    /// <summary>Adds an <c>on_resource_unbind</c> trigger implemented by <typeparamref name="TTrigger"/> under <paramref name="name"/>.</summary>
    /// <typeparam name="TTrigger">The trigger class. Registered as transient unless already registered.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The trigger name: not empty, at most 256 characters, no control characters.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, whitespace, too long or has control characters.</exception>
    /// <remarks>See <see cref="OnDisconnect{TTrigger}(ISessionsBuilder)"/> about disposal of the service provider: this list also runs when the host stops and the manager closes the sessions still open.</remarks>
    public static ISessionsBuilder OnResourceUnbind<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TTrigger>(this ISessionsBuilder builder, string name)
        where TTrigger : class, ISessionTrigger<ResourceBindContext> =>
        AddClass<TTrigger, ResourceBindContext>(builder, ValidName(name), TriggerListNames.ResourceUnbind, static m => m.Users.OnResourceUnbind);
}
