namespace SessionKit.Internal;

/// <summary>The key of the user index: a user name within an optional host.</summary>
/// <remarks>
/// Host names compare case-insensitively (ordinal ignore-case, as DNS names do), so <c>Example.COM</c> and
/// <c>example.com</c> are one host for the index, presence and routing. User names compare ordinally: they are not
/// normalised, and two names that differ only in case are two users.
/// </remarks>
internal readonly record struct UserKey(string? Host, string User)
{
    /// <inheritdoc/>
    public bool Equals(UserKey other) =>
        string.Equals(User, other.User, StringComparison.Ordinal) && string.Equals(Host, other.Host, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc/>
    public override int GetHashCode() =>
        HashCode.Combine(StringComparer.Ordinal.GetHashCode(User), Host is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(Host));
}
