namespace SessionKit.Internal;

/// <summary>
/// One server-side close of a session (<see cref="Session.CloseAsync"/>, a kick, an eviction, a replacement,
/// shutdown), claimed once per session. Later closes of the same session join it instead of telling the client twice.
/// </summary>
/// <remarks>
/// The completion is set when the session is closed and its <c>on_disconnect</c> triggers have run, whatever happened
/// to the caller that started the close (a cancelled token, a failing trigger or transport): a claimed close always
/// finishes, so no later close, kick or shutdown ever finds a claim that nobody will complete.
/// </remarks>
internal sealed class CloseRun
{
    private readonly TaskCompletionSource<bool> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Ends the grace wait early when a close that wants no grace period joins (a kick, an eviction, shutdown): they
    // must not wait out another caller's grace period. Only a close with a grace period has one.
    private readonly CancellationTokenSource? _hurry;

    public CloseRun(bool hasGracePeriod)
    {
        if (hasGracePeriod)
        {
            _hurry = new CancellationTokenSource();
        }
    }

    /// <summary>Gets a task that completes (never faults) once the session is closed and disconnected.</summary>
    public Task<bool> Completion => _done.Task;

    /// <summary>Gets the token that ends the grace wait early.</summary>
    public CancellationToken HurryToken => _hurry?.Token ?? CancellationToken.None;

    /// <summary>Ends the grace wait, if any. The source is never disposed (it has no timer), so this never throws.</summary>
    /// <remarks>
    /// Cancelled asynchronously: a synchronous cancel would run the rest of the close (the disconnect and its
    /// triggers) inline on the joining caller's stack. Only the close's own grace wait listens, so nothing can fault.
    /// </remarks>
    public void Hurry()
    {
        if (_hurry is { IsCancellationRequested: false } hurry)
        {
            _ = hurry.CancelAsync();
        }
    }

    public void Complete() => _done.TrySetResult(true);
}
