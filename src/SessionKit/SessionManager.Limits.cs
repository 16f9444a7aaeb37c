using SessionKit.Internal;

namespace SessionKit;

public sealed partial class SessionManager
{
    // The bounds of SessionOptions, read by every entry point that takes a name.
    private readonly SessionLimits _limits;

    // Bounds and queues credential checks (AuthenticateAsync).
    private readonly VerificationGate _verifications;

    /// <summary>Gets this manager's bounds (sessions read the storage bounds from it).</summary>
    internal SessionLimits Limits => _limits;

    /// <summary>Applies <see cref="SessionOptions.MaxUserStorageKeys"/> to the user index and <see cref="SessionOptions.MaxTriggersPerList"/> to every trigger list.</summary>
    private void ApplyBounds(SessionOptions options)
    {
        _index.MaxSharedStorageKeys = options.MaxUserStorageKeys;
        var max = options.MaxTriggersPerList;
        OnConnect.MaxCount = max;
        OnAuth.MaxCount = max;
        OnDisconnect.MaxCount = max;
        OnAccessDenied.MaxCount = max;
        OnPreResourceBind.MaxCount = max;
        OnResourceBind.MaxCount = max;
        OnResourceUnbind.MaxCount = max;
        OnSessionClosing.MaxCount = max;
        OnSessionEvicted.MaxCount = max;
        OnUserOnline.MaxCount = max;
        OnUserOffline.MaxCount = max;
    }
}
