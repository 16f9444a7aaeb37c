using System.Text;

namespace SessionKit.Redis;

/// <summary>
/// The default <see cref="IClusterMessageSerializer"/>: a <see cref="string"/> (UTF-8) or a <see cref="byte"/> array,
/// tagged by one leading byte, so the receiving node's sessions get the same type the sender gave. Anything else is
/// refused rather than guessed at: a host sending its own types plugs in its own serializer.
/// </summary>
public sealed class DefaultClusterMessageSerializer : IClusterMessageSerializer
{
    private const byte Text = (byte)'s';
    private const byte Bytes = (byte)'b';

    /// <inheritdoc/>
    public byte[] Serialize(object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        switch (message)
        {
            case string text:
                var buffer = new byte[1 + Encoding.UTF8.GetByteCount(text)];
                buffer[0] = Text;
                Encoding.UTF8.GetBytes(text, buffer.AsSpan(1));
                return buffer;
            case byte[] bytes:
                return [Bytes, .. bytes];
            default:
                throw new NotSupportedException($"DefaultClusterMessageSerializer sends strings and byte arrays; {message.GetType()} needs an IClusterMessageSerializer of the host's own (RedisDirectoryOptions.MessageSerializer).");
        }
    }

    /// <inheritdoc/>
    public object Deserialize(ReadOnlyMemory<byte> bytes)
    {
        var span = bytes.Span;
        if (span.IsEmpty)
        {
            throw new FormatException("An empty cluster message.");
        }

        return span[0] switch
        {
            Text => Encoding.UTF8.GetString(span[1..]),
            Bytes => span[1..].ToArray(),
            _ => throw new FormatException($"Unknown cluster message tag {span[0]}."),
        };
    }
}
