using System.Diagnostics.CodeAnalysis;

namespace SessionKit;

/// <summary>
/// An optional extension of an <see cref="IUserDirectory"/>: it checks Tarantool's <c>chap-sha1</c> challenge
/// response, where the client proves it knows the password without sending it. A host speaking Tarantool's binary
/// protocol (iproto) asks its directory for this interface and verifies an AUTH request with it.
/// </summary>
/// <remarks>
/// The scheme: the client sends <c>scramble = sha1(password) XOR sha1(salt[0..20] ‖ sha1(sha1(password)))</c>; the
/// directory keeps <c>sha1(sha1(password))</c> per user (as Tarantool's <c>_user</c> space does) and checks that
/// <c>sha1(scramble XOR sha1(salt[0..20] ‖ stored)) == stored</c>. Implementations must be thread-safe, must not block on
/// I/O, and must make an unknown user and a wrong scramble indistinguishable.
/// </remarks>
public interface IChapSha1Verifier
{
    /// <summary>Checks a <c>chap-sha1</c> scramble for a user.</summary>
    /// <param name="name">The user name as the client sent it.</param>
    /// <param name="salt">The salt the server sent in its greeting; only the first 20 bytes are used.</param>
    /// <param name="scramble">The client's 20-byte scramble; any other length is a failed check.</param>
    /// <param name="user">The user when the scramble is valid.</param>
    /// <returns><see langword="true"/> when the scramble proves the user's password; <see langword="false"/> for an unknown user, a user without a password, or a wrong scramble.</returns>
    bool VerifyChapSha1(string name, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> scramble, [NotNullWhen(true)] out SessionUser? user);
}
