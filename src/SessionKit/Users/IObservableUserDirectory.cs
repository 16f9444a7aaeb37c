namespace SessionKit;

/// <summary>
/// A user directory that tells the session managers using it about account changes, so that no session keeps running
/// as a user the directory removed or disabled. <see cref="InMemoryUserDirectory"/> implements it; a custom directory
/// implements it to take part (see docs/users-and-auth.md, "Removing, disabling and changing a live user").
/// </summary>
/// <remarks>
/// A <see cref="SessionManager"/> subscribes to both events when it is built and unsubscribes when it is disposed.
/// Raise the events synchronously, on the flow of the caller that made the change: a manager reads that flow's current
/// session to refuse removing the current session's own user and to keep the session that changed its own password.
/// </remarks>
public interface IObservableUserDirectory : IUserDirectory
{
    /// <summary>
    /// Raised before a change takes effect (today only for <see cref="UserChangeKind.Removed"/>). A subscriber refuses
    /// the change by throwing; the directory must then leave the user as it was and let the exception reach its caller.
    /// </summary>
    event EventHandler<UserChangedEventArgs>? UserChanging;

    /// <summary>Raised after a change took effect (the directory no longer finds a removed user, nor lets a disabled one connect).</summary>
    event EventHandler<UserChangedEventArgs>? UserChanged;
}
