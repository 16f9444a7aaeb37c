using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SessionKit.Internal;

namespace SessionKit;

public static partial class SessionsBuilderExtensions
{
    /// <summary>
    /// Adds a user to the embedded <see cref="InMemoryUserDirectory"/>. The user is created, with its password stored
    /// only as a salted hash, when the directory or the manager is first resolved.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The user name: not empty, at most 256 characters, no control characters; not <c>guest</c> or <c>admin</c>, which always exist.</param>
    /// <param name="password">The password (may be empty). Never logged.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/>, <paramref name="name"/> or <paramref name="password"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, whitespace, too long or has control characters.</exception>
    /// <remarks>
    /// Resolving the manager throws <see cref="InvalidOperationException"/> when the registered <see cref="IUserDirectory"/>
    /// is not an <see cref="InMemoryUserDirectory"/> (users of another directory live in that directory), or when a user of
    /// that name already exists in it.
    /// </remarks>
    public static ISessionsBuilder AddUser(this ISessionsBuilder builder, string name, string password)
    {
        ArgumentNullException.ThrowIfNull(builder);
        Names.ValidateUser(name, nameof(name), Names.LengthCeiling);
        ArgumentNullException.ThrowIfNull(password);
        if (Text.HasLoneSurrogate(password))
        {
            // Refused here, at registration, rather than when the container first builds the directory; never quoted.
            throw new ArgumentException("The password must be valid UTF-16 text: it has a lone surrogate.", nameof(password));
        }

        // Deliberately Add, not TryAdd: every user is its own registration.
        builder.Services.AddSingleton(new SessionUserSeed(name, password));
        return builder;
    }

    /// <summary>
    /// Makes <typeparamref name="TDirectory"/> the <see cref="IUserDirectory"/> of the manager, replacing the embedded
    /// <see cref="InMemoryUserDirectory"/> (or any directory registered before).
    /// </summary>
    /// <typeparam name="TDirectory">The directory class. Registered as a singleton unless already registered.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static ISessionsBuilder UseUserDirectory<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TDirectory>(this ISessionsBuilder builder)
        where TDirectory : class, IUserDirectory
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<TDirectory>();

        // Replace, not TryAdd: AddSessions already registered the embedded directory, and this call is meant to win.
        builder.Services.Replace(ServiceDescriptor.Singleton<IUserDirectory>(static sp => sp.GetRequiredService<TDirectory>()));
        return builder;
    }

    /// <summary>
    /// Sets who may switch users with <c>Su</c> or <c>ChangeUser</c> (<see cref="SessionManagerOptions.SwitchUserPolicy"/>);
    /// the default, <see cref="SwitchUserRequest.AdminOnly"/>, lets only an effective admin switch.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="policy">Returns <see langword="true"/> to allow a switch. Called synchronously; must be thread-safe.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="policy"/> is null.</exception>
    /// <remarks>Runs as an options action in registration order: the last policy set wins.</remarks>
    public static ISessionsBuilder ConfigureSu(this ISessionsBuilder builder, Func<SwitchUserRequest, bool> policy)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(policy);
        builder.Services.Configure<SessionManagerOptions>(options => options.SwitchUserPolicy = policy);
        return builder;
    }
}
