namespace SessionKit.Internal;

/// <summary>The names of the trigger lists in logs and in the <c>sessionkit.trigger.list</c> metric tag.</summary>
internal static class TriggerListNames
{
    public const string Connect = "on_connect";
    public const string Auth = "on_auth";
    public const string Disconnect = "on_disconnect";
    public const string AccessDenied = "on_access_denied";
    public const string PreResourceBind = "on_pre_resource_bind";
    public const string ResourceBind = "on_resource_bind";
    public const string ResourceUnbind = "on_resource_unbind";
    public const string UserOnline = "on_user_online";
    public const string UserOffline = "on_user_offline";
    public const string SessionEvicted = "on_session_evicted";
    public const string SessionClosing = "on_session_closing";

    public static readonly string[] All =
    [
        Connect, Auth, Disconnect, AccessDenied, PreResourceBind, ResourceBind, ResourceUnbind, UserOnline, UserOffline, SessionEvicted, SessionClosing,
    ];
}
