using System.Diagnostics.CodeAnalysis;

namespace SessionKit.Internal;

/// <summary>One manager's bounds (from <see cref="SessionManagerOptions"/>) and the name checks that apply them.</summary>
/// <remarks>Immutable after construction, so every session and call reads it without a lock.</remarks>
internal sealed class SessionLimits
{
    public SessionLimits(SessionManagerOptions options)
    {
        MaxUserNameLength = options.MaxUserNameLength;
        MaxHostLength = options.MaxHostLength;
        MaxResourceLength = options.MaxResourceLength;
        MaxPeerLength = options.MaxPeerLength;
        MaxStorageKeys = options.MaxStorageKeys;
        MaxUserStorageKeys = options.MaxUserStorageKeys;
        MaxTriggersPerList = options.MaxTriggersPerList;
    }

    public int MaxUserNameLength { get; }

    public int MaxHostLength { get; }

    public int MaxResourceLength { get; }

    public int MaxPeerLength { get; }

    public int MaxStorageKeys { get; }

    public int MaxUserStorageKeys { get; }

    public int MaxTriggersPerList { get; }

    /// <summary>Checks a user name against the naming rule and <see cref="SessionManagerOptions.MaxUserNameLength"/>.</summary>
    public void User([NotNull] string? value, string parameterName) => Names.ValidateUser(value, parameterName, MaxUserNameLength);

    /// <summary>Checks a host name against the naming rule and <see cref="SessionManagerOptions.MaxHostLength"/>.</summary>
    public void Host([NotNull] string? value, string parameterName) => Names.ValidateHost(value, parameterName, MaxHostLength);

    /// <summary>Checks a host name that may be absent (<see langword="null"/>: sessions without a host).</summary>
    public void OptionalHost(string? value, string parameterName)
    {
        if (value is not null)
        {
            Host(value, parameterName);
        }
    }

    /// <summary>Checks a resource against the naming rule and <see cref="SessionManagerOptions.MaxResourceLength"/>.</summary>
    public void Resource([NotNull] string? value, string parameterName) => Names.Validate(value, parameterName, "resource", MaxResourceLength);
}
