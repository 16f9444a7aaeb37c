namespace SessionKit;

/// <summary>The answer of <see cref="ISessionDirectory.ClaimResourceAsync"/>.</summary>
public readonly record struct ResourceClaim
{
    private ResourceClaim(ResourceClaimOutcome outcome, Session? localHolder, object? remoteHolder)
    {
        Outcome = outcome;
        LocalHolder = localHolder;
        RemoteHolder = remoteHolder;
    }

    /// <summary>Gets the claim that succeeded.</summary>
    public static ResourceClaim Claimed => new(ResourceClaimOutcome.Claimed, null, null);

    /// <summary>Gets the claim of a session the directory does not hold under its user (it closed or changed user meanwhile).</summary>
    public static ResourceClaim NotRegistered => new(ResourceClaimOutcome.NotRegistered, null, null);

    /// <summary>Gets what the claim found.</summary>
    public ResourceClaimOutcome Outcome { get; }

    /// <summary>Gets the holder when it is a session of this manager (<see cref="ResourceClaimOutcome.HeldLocally"/>).</summary>
    public Session? LocalHolder { get; }

    /// <summary>Gets the directory's own description of a holder on another node (<see cref="ResourceClaimOutcome.HeldRemotely"/>), passed back to <see cref="ISessionDirectory.ReplaceAsync"/>.</summary>
    public object? RemoteHolder { get; }

    /// <summary>A claim that found the resource held by a session of this manager.</summary>
    /// <param name="holder">The holder.</param>
    /// <returns>The claim.</returns>
    public static ResourceClaim HeldLocally(Session holder)
    {
        ArgumentNullException.ThrowIfNull(holder);
        return new(ResourceClaimOutcome.HeldLocally, holder, null);
    }

    /// <summary>A claim that found the resource held on another node.</summary>
    /// <param name="holder">The directory's description of the holder.</param>
    /// <returns>The claim.</returns>
    public static ResourceClaim HeldRemotely(object holder)
    {
        ArgumentNullException.ThrowIfNull(holder);
        return new(ResourceClaimOutcome.HeldRemotely, null, holder);
    }
}
