namespace SessionKit.Internal;

/// <summary>The names of the trigger lists in logs and in the <c>sessionkit.trigger.list</c> metric tag.</summary>
internal static class TriggerListNames
{
    public const string Connect = "on_connect";
    public const string Auth = "on_auth";
    public const string Disconnect = "on_disconnect";
    public const string AccessDenied = "on_access_denied";
}
