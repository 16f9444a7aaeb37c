using Microsoft.Extensions.DependencyInjection;

namespace SessionKit.Internal;

/// <summary>The <see cref="ISessionsBuilder"/> that <c>AddSessions</c> returns: a handle on the service collection, nothing more.</summary>
internal sealed class SessionsBuilder(IServiceCollection services) : ISessionsBuilder
{
    public IServiceCollection Services { get; } = services;
}
