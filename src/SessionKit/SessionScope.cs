using SessionKit.Internal;

namespace SessionKit;

/// <summary>
/// A request scope from <see cref="SessionManager.Enter"/> or an effective-user scope from <see cref="SessionManager.Su(string)"/>.
/// Dispose it (a <see langword="using"/> statement) to leave.
/// </summary>
/// <remarks>
/// Disposing is idempotent and thread-safe and releases the request reference exactly once. It restores the previous
/// session, sync and effective user of the flow that disposes it; scopes may be disposed out of order, and one
/// disposed out of order (or from a flow where it is not current) is never seen again by the flow that entered it
/// once that flow leaves a later scope. A flow that inherited the scope without disposing it (a task started inside
/// it, or the entering flow when a task it started disposed the scope) keeps seeing the session, like any task that
/// outlives its request, until the session is destroyed. Disposing never throws, even after the manager was
/// disposed. <c>default(SessionScope)</c> disposes as a no-op.
/// </remarks>
public readonly struct SessionScope : IDisposable
{
    private readonly SessionManager? _manager;
    private readonly AmbientContext? _context;

    internal SessionScope(SessionManager manager, AmbientContext context)
    {
        _manager = manager;
        _context = context;
    }

    /// <summary>Leaves the scope: restores the previous session, sync and effective user of this flow.</summary>
    public void Dispose() => _manager?.Exit(_context!);
}
