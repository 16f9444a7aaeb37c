using System.Security.Cryptography;
using System.Text;

namespace SessionKit.Internal;

/// <summary>Tarantool's <c>chap-sha1</c>: the stored credential <c>sha1(sha1(password))</c> and the scramble check.</summary>
/// <remarks>
/// The stored credential is a fast hash and is password-equivalent for this scheme (whoever holds it can log in over
/// iproto, though not recover the password cheaply); it is kept beside the PBKDF2 hash only so that iproto clients,
/// which never send the password, can authenticate. Comparisons are constant-time.
/// </remarks>
internal static class ChapSha1
{
    /// <summary>The size of a SHA-1 digest and of a scramble.</summary>
    public const int Size = 20;

    /// <summary>Computes <c>sha1(sha1(password))</c> of the password's UTF-8 bytes.</summary>
    public static byte[] StoredCredential(string password)
    {
        Span<byte> step1 = stackalloc byte[Size];
        SHA1.HashData(Encoding.UTF8.GetBytes(password), step1);
        return SHA1.HashData(step1);
    }

    /// <summary>Checks <paramref name="scramble"/> against <paramref name="stored"/> (<c>sha1(sha1(password))</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="salt"/> is shorter than 20 bytes.</exception>
    public static bool Verify(ReadOnlySpan<byte> stored, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> scramble)
    {
        if (salt.Length < Size)
        {
            throw new ArgumentException($"The salt must be at least {Size} bytes long.", nameof(salt));
        }

        // Computed even for a scramble of the wrong size, so every failure costs the same.
        Span<byte> input = stackalloc byte[Size * 2];
        salt[..Size].CopyTo(input);
        stored.CopyTo(input[Size..]);
        Span<byte> mask = stackalloc byte[Size];
        SHA1.HashData(input, mask);

        Span<byte> step1 = stackalloc byte[Size];
        var validSize = scramble.Length == Size;
        for (var i = 0; i < Size; i++)
        {
            step1[i] = (byte)((validSize ? scramble[i] : 0) ^ mask[i]);
        }

        Span<byte> candidate = stackalloc byte[Size];
        SHA1.HashData(step1, candidate);
        return CryptographicOperations.FixedTimeEquals(candidate, stored) && validSize;
    }

    /// <summary>Computes the client's scramble (what a client sends), for tests and clients of the host.</summary>
    public static byte[] Scramble(string password, ReadOnlySpan<byte> salt)
    {
        var step1 = SHA1.HashData(Encoding.UTF8.GetBytes(password));
        var step2 = SHA1.HashData(step1);
        var input = new byte[Size * 2];
        salt[..Size].CopyTo(input);
        step2.CopyTo(input, Size);
        var mask = SHA1.HashData(input);
        for (var i = 0; i < Size; i++)
        {
            step1[i] ^= mask[i];
        }

        return step1;
    }
}
