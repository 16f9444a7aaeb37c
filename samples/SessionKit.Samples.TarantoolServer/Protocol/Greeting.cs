using System.Security.Cryptography;
using System.Text;

namespace SessionKit.Samples.TarantoolServer.Protocol;

/// <summary>The 128-byte greeting: two 64-byte lines, the version and instance uuid, then the base64 salt.</summary>
internal static class Greeting
{
    public const int Size = 128;
    public const int SaltSize = 32;

    /// <summary>Makes a fresh salt for one connection.</summary>
    public static byte[] NewSalt() => RandomNumberGenerator.GetBytes(SaltSize);

    /// <summary>Writes the greeting for <paramref name="salt"/> and the server's <paramref name="instance"/> uuid.</summary>
    public static byte[] Build(Guid instance, ReadOnlySpan<byte> salt)
    {
        var bytes = new byte[Size];
        bytes.AsSpan().Fill((byte)' ');
        Line(bytes.AsSpan(0, 64), "Tarantool 2.6.0 (Binary) " + instance.ToString("D"));
        Line(bytes.AsSpan(64, 64), Convert.ToBase64String(salt));
        return bytes;
    }

    // Each line is padded with spaces to 63 bytes and ends with a newline, as net.box's decode_greeting expects.
    private static void Line(Span<byte> line, string text)
    {
        Encoding.ASCII.GetBytes(text, line);
        line[^1] = (byte)'\n';
    }
}
