namespace SessionKit.Internal;

/// <summary>What a user change did, to be published once the session's lock is released.</summary>
internal readonly record struct UserChange(Session Session, SessionUser Previous, SessionUser Current)
{
    /// <summary>Gets a value indicating whether the session already ran as that user (nothing to publish).</summary>
    public bool Unchanged { get; init; }

    /// <summary>Gets a value indicating whether the session is the new user's first (<c>on_user_online</c>).</summary>
    public bool Online { get; init; }

    /// <summary>Gets a value indicating whether the session was the old user's last (<c>on_user_offline</c>).</summary>
    public bool Offline { get; init; }

    /// <summary>Gets the resource the session held under the old user (<c>on_resource_unbind</c>), or <see langword="null"/>.</summary>
    public string? UnboundResource { get; init; }

    /// <summary>Gets the sessions over the new user's limit under <see cref="SessionLimitPolicy.EvictOldest"/>.</summary>
    public Session[]? Evict { get; init; }

    /// <summary>Gets a value indicating whether anything is left to publish.</summary>
    public bool HasEvents => !Unchanged && (UnboundResource is not null || Offline || Online || Evict is { Length: > 0 });
}
