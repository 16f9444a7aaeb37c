using Microsoft.Extensions.DependencyInjection;

namespace SessionKit;

/// <summary>
/// Returned by <see cref="SessionKitServiceCollectionExtensions.AddSessions(IServiceCollection)"/>: chains further
/// registrations (triggers, users, the user directory, the <c>Su</c> policy) onto the same service collection.
/// </summary>
/// <remarks>
/// The registration methods are extension methods in <see cref="SessionsBuilderExtensions"/>, so other libraries can add
/// their own. Everything registered through the builder is applied when the <see cref="SessionManager"/> singleton is
/// first resolved.
/// </remarks>
public interface ISessionsBuilder
{
    /// <summary>Gets the service collection the sessions services are registered in.</summary>
    IServiceCollection Services { get; }
}
