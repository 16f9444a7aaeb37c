namespace SessionKit.Internal;

/// <summary>
/// One options action registered by <c>AddSessions(configure)</c> or <c>ConfigureSu</c>. The manager factory runs all
/// of them, in registration order, on one <see cref="SessionManagerOptions"/> instance (SessionKit does not depend on
/// Microsoft.Extensions.Options, so it accumulates the actions itself).
/// </summary>
internal sealed class SessionOptionsSetup(Action<SessionManagerOptions> configure)
{
    public Action<SessionManagerOptions> Configure { get; } = configure;
}
