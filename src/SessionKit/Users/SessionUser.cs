namespace SessionKit;

/// <summary>A user a session can run as: an id and a name. Immutable; compared by id.</summary>
/// <remarks>
/// <see cref="Guest"/> (id 0) is every new session's user; <see cref="Admin"/> (id 1) is the user of background work and
/// the effective user of <c>on_connect</c> and <c>on_disconnect</c> triggers. <see cref="ToString"/> returns the name only.
/// </remarks>
public sealed class SessionUser : IEquatable<SessionUser>
{
    /// <summary>Initializes a new instance of the <see cref="SessionUser"/> class.</summary>
    /// <param name="id">The user id.</param>
    /// <param name="name">The user name: not empty or whitespace, at most 1024 characters (<see cref="SessionManagerOptions.NameLengthCeiling"/>; a manager applies its own <see cref="SessionManagerOptions.MaxUserNameLength"/> to names it is given), no control characters, lone surrogates, <c>@</c> or <c>/</c>. Not normalised.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> breaks the naming rule.</exception>
    public SessionUser(ulong id, string name)
    {
        Internal.Names.ValidateUser(name, nameof(name), Internal.Names.LengthCeiling);
        Id = id;
        Name = name;
    }

    /// <summary>Gets the built-in guest user (id 0).</summary>
    public static SessionUser Guest { get; } = new(0, "guest");

    /// <summary>Gets the built-in admin user (id 1).</summary>
    public static SessionUser Admin { get; } = new(1, "admin");

    /// <summary>Gets the user id.</summary>
    public ulong Id { get; }

    /// <summary>Gets the user name.</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public bool Equals(SessionUser? other) => other is not null && other.Id == Id;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as SessionUser);

    /// <inheritdoc/>
    public override int GetHashCode() => Id.GetHashCode();

    /// <inheritdoc/>
    public override string ToString() => Name;
}
