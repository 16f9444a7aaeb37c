namespace SessionKit.Samples.WebChat;

/// <summary>What the server pushes to a chat page, as JSON: <c>presence</c>, <c>welcome</c> or <c>message</c>.</summary>
/// <param name="Type">The event.</param>
/// <param name="Session">For <c>welcome</c>: the page's session id.</param>
/// <param name="User">For <c>welcome</c> and <c>message</c>: who.</param>
/// <param name="Text">For <c>message</c>: what they said.</param>
public sealed record ChatEvent(string Type, ulong? Session = null, string? User = null, string? Text = null);
