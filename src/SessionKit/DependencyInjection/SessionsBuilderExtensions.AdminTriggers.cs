using System.Diagnostics.CodeAnalysis;
using SessionKit.Internal;

namespace SessionKit;

// The administration list of manager.Admin (SessionAdministration): before the server closes a session.
public static partial class SessionsBuilderExtensions
{
    /// <summary>Adds an <c>on_session_closing</c> trigger: it runs before the server closes a session (Prosody's <c>pre-session-close</c>; a kick or shutdown, for example) and may rewrite the reason; errors are logged.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="trigger">The trigger.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="trigger"/> is null.</exception>
    public static ISessionsBuilder OnSessionClosing(this ISessionsBuilder builder, Func<SessionClosingContext, ValueTask> trigger) =>
        AddDelegate(builder, null, trigger, static m => m.Admin.OnSessionClosing);

    /// <summary>Adds a named <c>on_session_closing</c> trigger; a later registration with the same name replaces it in place.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The trigger name: not empty, at most 256 characters, no control characters.</param>
    /// <param name="trigger">The trigger.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/>, <paramref name="name"/> or <paramref name="trigger"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, whitespace, too long or has control characters.</exception>
    public static ISessionsBuilder OnSessionClosing(this ISessionsBuilder builder, string name, Func<SessionClosingContext, ValueTask> trigger) =>
        AddDelegate(builder, ValidName(name), trigger, static m => m.Admin.OnSessionClosing);

    /// <summary>Adds an <c>on_session_closing</c> trigger implemented by <typeparamref name="TTrigger"/>, named after the type and resolved from a new service scope for every run.</summary>
    /// <typeparam name="TTrigger">The trigger class. Registered as transient unless already registered.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <remarks>See <see cref="OnDisconnect{TTrigger}(ISessionsBuilder)"/> about disposal of the service provider: this list also runs when the host stops and the manager closes the sessions still open.</remarks>
    public static ISessionsBuilder OnSessionClosing<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TTrigger>(this ISessionsBuilder builder)
        where TTrigger : class, ISessionTrigger<SessionClosingContext> =>
        AddClass<TTrigger, SessionClosingContext>(builder, null, TriggerListNames.SessionClosing, static m => m.Admin.OnSessionClosing);

    /// <summary>Adds an <c>on_session_closing</c> trigger implemented by <typeparamref name="TTrigger"/> under <paramref name="name"/>.</summary>
    /// <typeparam name="TTrigger">The trigger class. Registered as transient unless already registered.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The trigger name: not empty, at most 256 characters, no control characters.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, whitespace, too long or has control characters.</exception>
    /// <remarks>See <see cref="OnDisconnect{TTrigger}(ISessionsBuilder)"/> about disposal of the service provider: this list also runs when the host stops and the manager closes the sessions still open.</remarks>
    public static ISessionsBuilder OnSessionClosing<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TTrigger>(this ISessionsBuilder builder, string name)
        where TTrigger : class, ISessionTrigger<SessionClosingContext> =>
        AddClass<TTrigger, SessionClosingContext>(builder, ValidName(name), TriggerListNames.SessionClosing, static m => m.Admin.OnSessionClosing);
}
