using System.Security.Cryptography;

namespace SessionKit.Internal;

/// <summary>Salted PBKDF2-SHA256 password hashes compared in constant time.</summary>
/// <remarks>
/// Passwords are encoded as UTF-8. A password that is not valid UTF-16 (a lone surrogate) has no UTF-8 form: hashing
/// one is refused with an <see cref="ArgumentException"/> that never quotes it, and verifying one is a failed check
/// (after deriving a key anyway, so that it costs what any check costs).
/// </remarks>
internal sealed class PasswordHasher
{
    private const int SaltSize = 16;
    private const int HashSize = 32;

    public PasswordHasher(int iterations) => Iterations = iterations;

    public int Iterations { get; }

    /// <summary>Hashes a new password.</summary>
    /// <exception cref="ArgumentException">The password has a lone surrogate; the message does not quote it.</exception>
    public PasswordHash Hash(string password, string parameterName = "password")
    {
        if (Text.HasLoneSurrogate(password))
        {
            // Rfc2898DeriveBytes would throw EncoderFallbackException, whose message quotes the character and its index.
            throw new ArgumentException("The password must be valid UTF-16 text: it has a lone surrogate.", parameterName);
        }

        var salt = RandomNumberGenerator.GetBytes(SaltSize);
        return new PasswordHash(salt, Derive(password, salt));
    }

    /// <summary>Checks a candidate password; <see langword="false"/> for one that is not valid UTF-16.</summary>
    public bool Verify(string password, PasswordHash stored)
    {
        var valid = !Text.HasLoneSurrogate(password);
        Span<byte> candidate = stackalloc byte[HashSize];
        Rfc2898DeriveBytes.Pbkdf2(valid ? password : string.Empty, stored.Salt, candidate, Iterations, HashAlgorithmName.SHA256);
        return CryptographicOperations.FixedTimeEquals(candidate, stored.Hash) && valid;
    }

    private byte[] Derive(string password, byte[] salt) =>
        Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA256, HashSize);
}
