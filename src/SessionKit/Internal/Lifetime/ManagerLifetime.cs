namespace SessionKit.Internal;

/// <summary>
/// The manager's own lifetime: running, shutting down (no new sessions) or disposed, and the token that tells
/// triggers still running when shutdown gave up waiting for them.
/// </summary>
internal sealed class ManagerLifetime
{
    private const int Running = 0;
    private const int ShuttingDown = 1;
    private const int Disposed = 2;

    // Cancelled when shutdown gives up waiting, so that triggers still running see their token fire. Never disposed:
    // late trigger runs still link to its token after the manager was disposed.
    private readonly CancellationTokenSource _shutdownSource = new();

    // Running, ShuttingDown or Disposed. Written with Interlocked/Volatile, read with Volatile.
    private int _state;

    /// <summary>Gets the token every trigger run is linked to: cancelled when shutdown stops waiting.</summary>
    public CancellationToken ShutdownToken => _shutdownSource.Token;

    /// <summary>Gets a value indicating whether the manager accepts new sessions (no shutdown has begun).</summary>
    public bool IsRunning => Volatile.Read(ref _state) == Running;

    /// <summary>Gets a value indicating whether the shutdown completed.</summary>
    public bool IsDisposed => Volatile.Read(ref _state) == Disposed;

    /// <summary>
    /// Enters shutdown. A full fence, not just a release: the drain in <see cref="SessionDisconnector"/> relies on it
    /// (either the close that reaches zero sees shutdown, or shutdown's own read of the count sees zero).
    /// </summary>
    public void BeginShutdown() => Interlocked.Exchange(ref _state, ShuttingDown);

    /// <summary>Tells the triggers still running that nobody waits for them any more.</summary>
    public async Task CancelTriggersAsync()
    {
        try
        {
            await _shutdownSource.CancelAsync().ConfigureAwait(false);
        }
        catch (AggregateException)
        {
            // Callbacks registered on trigger tokens belong to host code; their failures must not stop the shutdown
            // from completing (every later DisposeAsync would wait on it for ever).
        }
    }

    /// <summary>Marks the shutdown complete: from now on every operation throws.</summary>
    public void MarkDisposed() => Volatile.Write(ref _state, Disposed);

    /// <summary>Throws once the shutdown completed.</summary>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public void ThrowIfDisposed()
    {
        if (IsDisposed)
        {
            ThrowDisposed();
        }
    }

    /// <summary>Throws once shutdown began: no new session is accepted from then on.</summary>
    /// <exception cref="ObjectDisposedException">The manager is shutting down or was disposed.</exception>
    public void ThrowIfShuttingDown()
    {
        if (!IsRunning)
        {
            throw new ObjectDisposedException(nameof(SessionManager), "The session manager is shutting down or disposed; it accepts no new sessions.");
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowDisposed() =>
        throw new ObjectDisposedException(nameof(SessionManager), "The session manager was disposed; no session operation is possible any more.");
}
