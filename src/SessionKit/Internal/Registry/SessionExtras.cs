namespace SessionKit.Internal;

/// <summary>
/// Per-session state most sessions never need, kept out of <see cref="Session"/> so an idle session stays small.
/// </summary>
internal sealed class SessionExtras
{
    /// <summary>Gets or sets the context triggers of <c>on_connect</c> and <c>on_disconnect</c> run in (sync 0, effective user admin); built once per session.</summary>
    public AmbientContext? SystemContext { get; set; }

    /// <summary>Gets or sets the logging scope state for this session, built once when logging is enabled.</summary>
    public SessionLogScope? LogScope { get; set; }

    /// <summary>Gets or sets why the server closed the session, or the reason the host gave to <c>DisconnectAsync</c>; <see langword="null"/> when nobody gave one.</summary>
    public SessionCloseReason? CloseReason { get; set; }

    /// <summary>Gets or sets the transport's failure the host passed to <c>DisconnectAsync</c>, or <see langword="null"/>.</summary>
    public Exception? TransportException { get; set; }

    /// <summary>Gets or sets the timer that closes the session if it stays unauthenticated too long.</summary>
    public ITimer? AuthenticationTimer { get; set; }

    // Completed when an on_disconnect handed over to a running lifecycle step (connect, authentication) has run.
    // Created by whichever side gets there first: the close that waits, or the step that runs it.
    private TaskCompletionSource? _handedOverDisconnect;

    /// <summary>Gets a task that completes when the handed-over on_disconnect has run.</summary>
    public Task HandedOverDisconnect => HandedOverSource.Task;

    /// <summary>Marks the handed-over on_disconnect as run.</summary>
    public void CompleteHandedOverDisconnect() => HandedOverSource.TrySetResult();

    private TaskCompletionSource HandedOverSource
    {
        get
        {
            var source = Volatile.Read(ref _handedOverDisconnect);
            if (source is not null)
            {
                return source;
            }

            var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return Interlocked.CompareExchange(ref _handedOverDisconnect, created, null) ?? created;
        }
    }
}
