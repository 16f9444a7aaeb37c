using MessagePack;

namespace SessionKit.Samples.TarantoolServer.Protocol;

/// <summary>Helpers over <see cref="MessagePackReader"/> that never recurse (a frame of nested arrays cannot overflow the stack).</summary>
internal static class MsgPack
{
    /// <summary>Skips one value of any nesting depth, iteratively.</summary>
    /// <exception cref="EndOfStreamException">The value is truncated.</exception>
    /// <exception cref="MessagePackSerializationException">The bytes are not MessagePack.</exception>
    public static void Skip(ref MessagePackReader reader)
    {
        // Values still to skip: every container adds its items; each step consumes at least one byte, so this ends.
        long pending = 1;
        while (pending > 0)
        {
            pending--;
            switch (reader.NextMessagePackType)
            {
                case MessagePackType.Array:
                    pending += reader.ReadArrayHeader();
                    break;
                case MessagePackType.Map:
                    pending += 2L * reader.ReadMapHeader();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
    }

    /// <summary>Reads one value as its raw bytes (copied).</summary>
    public static byte[] ReadRaw(ref MessagePackReader reader)
    {
        var start = reader.Position;
        Skip(ref reader);
        return System.Buffers.BuffersExtensions.ToArray(reader.Sequence.Slice(start, reader.Position));
    }

    /// <summary>Reads an unsigned integer key or value; a negative or non-integer value is a decoding error.</summary>
    public static ulong ReadUInt(ref MessagePackReader reader) =>
        reader.NextMessagePackType == MessagePackType.Integer
            ? reader.ReadUInt64()
            : throw new MessagePackSerializationException("an unsigned integer was expected");

    /// <summary>Reads a string or binary value as UTF-8 text.</summary>
    public static string ReadText(ref MessagePackReader reader) => reader.NextMessagePackType switch
    {
        MessagePackType.String => reader.ReadString() ?? string.Empty,
        MessagePackType.Binary => System.Text.Encoding.UTF8.GetString(System.Buffers.BuffersExtensions.ToArray(reader.ReadBytes()!.Value)),
        _ => throw new MessagePackSerializationException("a string was expected"),
    };
}
