namespace SessionKit.Internal;

/// <summary>One step applied to the new manager, in registration order: today, adding a trigger registered on the builder.</summary>
internal sealed class SessionManagerSetup(Action<SessionManager, IServiceProvider> configure)
{
    public Action<SessionManager, IServiceProvider> Configure { get; } = configure;
}
