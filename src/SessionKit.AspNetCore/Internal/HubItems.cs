namespace SessionKit.AspNetCore.Internal;

/// <summary>Keys of what SessionKit keeps in a hub connection's <c>Items</c>: private objects, so no host key can collide.</summary>
internal static class HubItems
{
    public static readonly object Connection = new();

    public static readonly object User = new();

    public static readonly object Session = new();

    public static readonly object Refusal = new();
}
