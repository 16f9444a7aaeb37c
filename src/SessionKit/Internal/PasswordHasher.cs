using System.Security.Cryptography;

namespace SessionKit.Internal;

/// <summary>Salted PBKDF2-SHA256 password hashes compared in constant time.</summary>
internal sealed class PasswordHasher
{
    private const int SaltSize = 16;
    private const int HashSize = 32;

    public PasswordHasher(int iterations) => Iterations = iterations;

    public int Iterations { get; }

    public PasswordHash Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltSize);
        return new PasswordHash(salt, Derive(password, salt));
    }

    public bool Verify(string password, PasswordHash stored)
    {
        Span<byte> candidate = stackalloc byte[HashSize];
        Rfc2898DeriveBytes.Pbkdf2(password, stored.Salt, candidate, Iterations, HashAlgorithmName.SHA256);
        return CryptographicOperations.FixedTimeEquals(candidate, stored.Hash);
    }

    private byte[] Derive(string password, byte[] salt) =>
        Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA256, HashSize);
}
