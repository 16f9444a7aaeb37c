namespace SessionKit.AspNetCore;

/// <summary>
/// The session of a Kestrel connection, set in the connection's features by
/// <see cref="ListenOptionsSessionExtensions.UseSessions"/>: <c>connection.Features.Get&lt;IConnectionSessionFeature&gt;()</c>
/// in later connection middleware, <c>HttpContext.Features.Get&lt;IConnectionSessionFeature&gt;()</c> in requests.
/// </summary>
public interface IConnectionSessionFeature
{
    /// <summary>Gets the connection's session.</summary>
    Session Session { get; }
}
