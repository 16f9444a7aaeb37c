using SessionKit.Internal;

namespace SessionKit;

/// <summary>
/// A request scope from <see cref="SessionManager.Enter"/> or an effective-user scope from <see cref="SessionManager.Su(string)"/>.
/// Dispose it (a <see langword="using"/> statement) to leave.
/// </summary>
/// <remarks>
/// Disposing is idempotent and thread-safe and releases the request reference exactly once. It restores the previous
/// session, sync and effective user of the flow that disposes it; scopes may be disposed out of order. A disposed scope
/// never keeps granting anything to any flow, whichever flow disposed it: every flow that still carries a disposed
/// <c>Su</c> scope (the entering flow when a task it started disposed it, a task or timer started inside it) runs as
/// what was under it. A flow that still carries a disposed request scope holds no request (destroy is not delayed) and
/// keeps only that session's identity, like any task that outlives its request: the session until it is destroyed,
/// then its last user; never the background user. Disposing never throws, even after the manager was disposed.
/// <c>default(SessionScope)</c> disposes as a no-op.
/// </remarks>
public readonly struct SessionScope : IDisposable
{
    private readonly RequestScopes? _scopes;
    private readonly AmbientContext? _context;

    internal SessionScope(RequestScopes scopes, AmbientContext context)
    {
        _scopes = scopes;
        _context = context;
    }

    /// <summary>Leaves the scope: restores the previous session, sync and effective user of this flow.</summary>
    public void Dispose() => _scopes?.Exit(_context!);
}
