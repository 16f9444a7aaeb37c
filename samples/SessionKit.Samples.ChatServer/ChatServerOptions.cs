namespace SessionKit.Samples.ChatServer;

/// <summary>Settings of the chat server.</summary>
public sealed class ChatServerOptions
{
    /// <summary>Gets or sets the TCP port on 127.0.0.1; 0 picks a free one (the server prints which).</summary>
    public int Port { get; set; } = ChatServerApp.DefaultPort;

    /// <summary>Gets or sets the longest line accepted, in bytes; longer lines get an error and are skipped.</summary>
    public int MaxLineLength { get; set; } = 4096;

    /// <summary>Gets or sets how long one write to a client may take before the client is dropped as too slow.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
