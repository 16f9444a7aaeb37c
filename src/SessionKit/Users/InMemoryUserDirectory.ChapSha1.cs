using System.Diagnostics.CodeAnalysis;
using SessionKit.Internal;

namespace SessionKit;

// The chap-sha1 check (Tarantool's iproto AUTH): the same user entries as the PBKDF2 check, a second credential on each.
public sealed partial class InMemoryUserDirectory
{
    // sha1(sha1("")): guest authenticates with an empty password, and every failure is checked against something.
    private static readonly byte[] EmptyPasswordChap = ChapSha1.StoredCredential(string.Empty);

    /// <inheritdoc/>
    /// <remarks>
    /// <c>guest</c> verifies with the scramble of the empty password; a user without a password (<c>admin</c> until
    /// <see cref="SetPassword"/>) never verifies. An unknown user costs the same as a wrong scramble. The stored
    /// credential is a fast hash, as in Tarantool's <c>_user</c> space: keep the process memory as private as the
    /// PBKDF2 hashes.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="salt"/> is shorter than 20 bytes.</exception>
    public bool VerifyChapSha1(string name, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> scramble, [NotNullWhen(true)] out SessionUser? user)
    {
        ArgumentNullException.ThrowIfNull(name);
        var found = _users.TryGetValue(name, out var entry);
        var stored = entry?.Chap ?? EmptyPasswordChap;
        var ok = ChapSha1.Verify(stored, salt, scramble)
            && found
            && (entry!.Chap is not null || entry.User.Id == SessionUser.Guest.Id);
        user = ok ? entry!.User : null;
        return ok;
    }
}
