namespace SessionKit.Internal;

/// <summary>
/// One options action registered by <c>AddSessions(configure)</c> or <c>ConfigureSu</c>. The manager factory runs all
/// of them, in registration order, on one <see cref="SessionOptions"/> instance (SessionKit does not depend on
/// Microsoft.Extensions.Options, so it accumulates the actions itself).
/// </summary>
internal sealed class SessionOptionsSetup(Action<SessionOptions> configure)
{
    public Action<SessionOptions> Configure { get; } = configure;
}
