namespace SessionKit;

/// <summary>A change to one user of an <see cref="IObservableUserDirectory"/>.</summary>
public sealed class UserChangedEventArgs : EventArgs
{
    /// <summary>Initializes a new instance of the <see cref="UserChangedEventArgs"/> class.</summary>
    /// <param name="user">The user the change is about, as the directory knew it before the change.</param>
    /// <param name="kind">What happens to the user.</param>
    /// <exception cref="ArgumentNullException"><paramref name="user"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined <see cref="UserChangeKind"/>.</exception>
    public UserChangedEventArgs(SessionUser user, UserChangeKind kind)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "The kind must be a defined UserChangeKind value.");
        }

        User = user;
        Kind = kind;
    }

    /// <summary>Gets the user the change is about.</summary>
    public SessionUser User { get; }

    /// <summary>Gets what happens to the user.</summary>
    public UserChangeKind Kind { get; }
}
