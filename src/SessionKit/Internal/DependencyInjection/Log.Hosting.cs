using Microsoft.Extensions.Logging;

namespace SessionKit.Internal;

/// <content>The messages of the host integration (<c>AddSessions</c>'s lifecycle service).</content>
internal static partial class Log
{
    public const int HostShutdownTimeoutReachedId = 50;

    [LoggerMessage(HostShutdownTimeoutReachedId, LogLevel.Warning, "The host's shutdown timeout ended before the session manager finished closing its sessions; the host stops waiting, the remaining closes go on within SessionManagerOptions.ShutdownTimeout.", EventName = "HostShutdownTimeoutReached")]
    public static partial void HostShutdownTimeoutReached(this ILogger logger);
}
