using MessagePack;

namespace SessionKit.TarantoolServer.Tests.Support;

/// <summary>One decoded reply: the header's keys and the body's error message and data (as text).</summary>
internal sealed record Reply(IReadOnlyDictionary<ulong, ulong> Header, string? Error, IReadOnlyList<string?>? Data)
{
    public ulong Type => Header[0x00];

    public ulong Sync => Header[0x01];

    public ulong Code => Type & 0x7FFF;

    public static Reply Parse(byte[] frame)
    {
        var reader = new MessagePackReader(frame);
        var header = new Dictionary<ulong, ulong>();
        var count = reader.ReadMapHeader();
        for (var i = 0; i < count; i++)
        {
            header[reader.ReadUInt64()] = reader.ReadUInt64();
        }

        string? error = null;
        List<string?>? data = null;
        if (!reader.End)
        {
            var body = reader.ReadMapHeader();
            for (var i = 0; i < body; i++)
            {
                var key = reader.ReadUInt64();
                if (key == 0x31)
                {
                    error = reader.ReadString();
                }
                else if (key == 0x30)
                {
                    data = [];
                    var n = reader.ReadArrayHeader();
                    for (var j = 0; j < n; j++)
                    {
                        data.Add(Text(ref reader));
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
        }

        return new Reply(header, error, data);
    }

    private static string? Text(ref MessagePackReader reader)
    {
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Nil:
                reader.ReadNil();
                return null;
            case MessagePackType.String:
                return reader.ReadString();
            case MessagePackType.Integer:
                return reader.ReadUInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
            case MessagePackType.Boolean:
                return reader.ReadBoolean() ? "true" : "false";
            default:
                reader.Skip();
                return "?";
        }
    }
}
