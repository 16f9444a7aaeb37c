using MessagePack;

namespace SessionKit.Samples.TarantoolServer.Protocol;

/// <summary>Writes the few .NET values the call table returns, and reads call arguments.</summary>
internal static class Values
{
    /// <summary>Raw MessagePack kept as it came (storage values), written back unchanged.</summary>
    public sealed record Raw(byte[] Bytes);

    public static void Write(ref MessagePackWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNil();
                break;
            case Raw raw:
                writer.WriteRaw(raw.Bytes);
                break;
            case string s:
                writer.Write(s);
                break;
            case bool b:
                writer.Write(b);
                break;
            case ulong u:
                writer.Write(u);
                break;
            case long l:
                writer.Write(l);
                break;
            case int i:
                writer.Write(i);
                break;
            case IReadOnlyList<string> list:
                writer.WriteArrayHeader(list.Count);
                foreach (var item in list)
                {
                    writer.Write(item);
                }

                break;
            default:
                writer.Write(value.ToString());
                break;
        }
    }

    /// <summary>Splits a raw argument array into its items' raw bytes.</summary>
    public static IReadOnlyList<byte[]> Arguments(byte[]? tuple)
    {
        if (tuple is null)
        {
            return [];
        }

        var reader = new MessagePackReader(tuple);
        var count = reader.ReadArrayHeader();
        var items = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            items[i] = MsgPack.ReadRaw(ref reader);
        }

        return items;
    }

    /// <summary>Reads an argument as text, or null when it is not a string.</summary>
    public static string? Text(byte[] raw)
    {
        var reader = new MessagePackReader(raw);
        return reader.NextMessagePackType is MessagePackType.String or MessagePackType.Binary ? MsgPack.ReadText(ref reader) : null;
    }

    /// <summary>Reads an argument as an unsigned integer, or null when it is not one.</summary>
    public static ulong? Number(byte[] raw)
    {
        var reader = new MessagePackReader(raw);
        if (reader.NextMessagePackType != MessagePackType.Integer)
        {
            return null;
        }

        var signed = reader.ReadInt64Checked();
        return signed < 0 ? null : (ulong)signed;
    }

    private static long ReadInt64Checked(this ref MessagePackReader reader)
    {
        try
        {
            return reader.ReadInt64();
        }
        catch (OverflowException)
        {
            return long.MaxValue;
        }
    }
}
