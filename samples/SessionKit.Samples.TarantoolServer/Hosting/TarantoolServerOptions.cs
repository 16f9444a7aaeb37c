namespace SessionKit.Samples.TarantoolServer.Hosting;

/// <summary>Settings of the Tarantool-compatible server.</summary>
public sealed class TarantoolServerOptions
{
    /// <summary>Gets or sets the TCP port on 127.0.0.1; 0 picks a free one (the server prints which).</summary>
    public int Port { get; set; } = TarantoolServerApp.DefaultPort;

    /// <summary>Gets or sets the largest frame accepted, in bytes; a longer length closes the connection.</summary>
    public int MaxFrameSize { get; set; } = 1024 * 1024;

    /// <summary>Gets or sets how many replies may wait for a slow client before the server stops reading its requests.</summary>
    public int MaxQueuedReplies { get; set; } = 4096;

    /// <summary>Gets the instance uuid the greeting shows.</summary>
    public Guid InstanceUuid { get; } = Guid.NewGuid();
}
