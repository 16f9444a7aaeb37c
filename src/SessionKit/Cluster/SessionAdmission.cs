namespace SessionKit;

/// <summary>What an <see cref="ISessionDirectory"/> decided about a session taking a user.</summary>
public readonly record struct SessionAdmission
{
    /// <summary>Initializes a new instance of the <see cref="SessionAdmission"/> struct.</summary>
    /// <param name="admitted">Whether the session may take the user.</param>
    /// <param name="localEvictions">Sessions of this manager the decision evicted (<see cref="SessionLimitPolicy.EvictOldest"/>); <see langword="null"/> for none.</param>
    public SessionAdmission(bool admitted, IReadOnlyList<Session>? localEvictions = null)
    {
        Admitted = admitted;
        LocalEvictions = localEvictions;
    }

    /// <summary>Gets a value indicating whether the session may take the user. When not, the manager throws <see cref="SessionLimitExceededException"/>.</summary>
    public bool Admitted { get; }

    /// <summary>Gets the sessions of this manager to close with <see cref="SessionCloseReason.SessionLimitReached"/>; <see langword="null"/> for none.</summary>
    public IReadOnlyList<Session>? LocalEvictions { get; }
}
