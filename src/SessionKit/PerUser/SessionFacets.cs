namespace SessionKit;

/// <summary>A session's routing facets (Prosody's <c>doc/session.txt</c>): connected, available, interested.</summary>
[Flags]
public enum SessionFacets
{
    /// <summary>None: unbound, unavailable and uninterested, or closed.</summary>
    None = 0,

    /// <summary>A connected resource: the session bound a resource.</summary>
    Connected = 1,

    /// <summary>An available resource: the session broadcast presence (<see cref="Session.IsAvailable"/>).</summary>
    Available = 2,

    /// <summary>An interested resource: the session asked for the roster (<see cref="Session.IsInterested"/>).</summary>
    Interested = 4,
}
