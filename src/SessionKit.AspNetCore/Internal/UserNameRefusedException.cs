namespace SessionKit.AspNetCore.Internal;

/// <summary>
/// The default claims mapping found a signed-in name SessionKit cannot take as a user name. The name comes from the
/// identity provider, not from the host's code, so this is a refusal of the client (403, a failed hub start), not a
/// server error.
/// </summary>
internal sealed class UserNameRefusedException(string message, Exception? innerException = null) : Exception(message, innerException)
{
    /// <summary>The condition and text the client is refused with (no echo of the name: it may hold control characters).</summary>
    public static string ClientMessage => "not-authorized: The signed-in user's name is not a valid session user name";
}
