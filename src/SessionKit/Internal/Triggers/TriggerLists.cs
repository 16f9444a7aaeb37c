namespace SessionKit.Internal;

/// <summary>
/// The eleven trigger lists of one manager, created together and bounded together. The facade and its public
/// sub-objects expose them; the collaborators run them.
/// </summary>
internal sealed class TriggerLists
{
    /// <summary>Initializes the lists, each bounded by <paramref name="maxPerList"/> triggers.</summary>
    public TriggerLists(int maxPerList)
    {
        Connect.MaxCount = maxPerList;
        Auth.MaxCount = maxPerList;
        Disconnect.MaxCount = maxPerList;
        AccessDenied.MaxCount = maxPerList;
        PreResourceBind.MaxCount = maxPerList;
        ResourceBind.MaxCount = maxPerList;
        ResourceUnbind.MaxCount = maxPerList;
        SessionClosing.MaxCount = maxPerList;
        SessionEvicted.MaxCount = maxPerList;
        UserOnline.MaxCount = maxPerList;
        UserOffline.MaxCount = maxPerList;
    }

    /// <summary>Gets <c>on_connect</c>.</summary>
    public TriggerList<SessionTriggerContext> Connect { get; } = new();

    /// <summary>Gets <c>on_auth</c>.</summary>
    public TriggerList<AuthTriggerContext> Auth { get; } = new();

    /// <summary>Gets <c>on_disconnect</c>.</summary>
    public TriggerList<SessionTriggerContext> Disconnect { get; } = new();

    /// <summary>Gets <c>on_access_denied</c>.</summary>
    public TriggerList<AccessDeniedTriggerContext> AccessDenied { get; } = new();

    /// <summary>Gets <c>on_pre_resource_bind</c>.</summary>
    public TriggerList<PreResourceBindContext> PreResourceBind { get; } = new();

    /// <summary>Gets <c>on_resource_bind</c>.</summary>
    public TriggerList<ResourceBindContext> ResourceBind { get; } = new();

    /// <summary>Gets <c>on_resource_unbind</c>.</summary>
    public TriggerList<ResourceBindContext> ResourceUnbind { get; } = new();

    /// <summary>Gets <c>on_session_closing</c>.</summary>
    public TriggerList<SessionClosingContext> SessionClosing { get; } = new();

    /// <summary>Gets <c>on_session_evicted</c>.</summary>
    public TriggerList<SessionEvictedContext> SessionEvicted { get; } = new();

    /// <summary>Gets <c>on_user_online</c>.</summary>
    public TriggerList<UserPresenceContext> UserOnline { get; } = new();

    /// <summary>Gets <c>on_user_offline</c>.</summary>
    public TriggerList<UserPresenceContext> UserOffline { get; } = new();
}
