namespace SessionKit;

/// <summary>The lifecycle state of a <see cref="Session"/>.</summary>
public enum SessionState
{
    /// <summary>Connected: requests may enter it.</summary>
    Open = 0,

    /// <summary>Disconnected: its <c>on_disconnect</c> triggers run or ran; in-flight requests may still run, new ones are refused.</summary>
    Closed = 1,

    /// <summary>Gone: it left the registry and its storage was cleared. The object stays safe to hold.</summary>
    Destroyed = 2,
}
