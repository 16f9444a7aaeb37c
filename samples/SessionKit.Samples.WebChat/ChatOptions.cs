namespace SessionKit.Samples.WebChat;

/// <summary>The sample's settings (section <c>Chat</c>).</summary>
public sealed class ChatOptions
{
    /// <summary>Gets or sets how many sessions (tabs, hub connections) one user may have open; the next is refused.</summary>
    public int MaxSessionsPerUser { get; set; } = 3;

    /// <summary>Gets or sets the users who get the kick buttons.</summary>
    public IList<string> Admins { get; set; } = [];
}
