namespace SessionKit.Redis.Internal;

/// <summary>
/// One message on a node's inbox: a command from another node, or a reply to one. Written with a
/// <see cref="BinaryWriter"/> (length-prefixed strings), so a frame is self-describing and needs no schema.
/// </summary>
internal sealed record InboxFrame(InboxCommand Command, string ReplyTo, long Correlation)
{
    public ulong LocalId { get; init; }

    public string User { get; init; } = string.Empty;

    public string? Host { get; init; }

    public string Resource { get; init; } = string.Empty;

    public string Condition { get; init; } = string.Empty;

    public string? Text { get; init; }

    public byte Mode { get; init; }

    public int Priority { get; init; }

    public byte[] Payload { get; init; } = [];

    public long Value { get; init; }

    public byte[] Write()
    {
        using var stream = new MemoryStream(64 + Payload.Length);
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write((byte)Command);
            writer.Write(ReplyTo);
            writer.Write(Correlation);
            writer.Write(LocalId);
            writer.Write(User);
            writer.Write(Host is not null);
            writer.Write(Host ?? string.Empty);
            writer.Write(Resource);
            writer.Write(Condition);
            writer.Write(Text is not null);
            writer.Write(Text ?? string.Empty);
            writer.Write(Mode);
            writer.Write(Priority);
            writer.Write(Value);
            writer.Write(Payload.Length);
            writer.Write(Payload);
        }

        return stream.ToArray();
    }

    public static InboxFrame Read(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false));
        var command = (InboxCommand)reader.ReadByte();
        var replyTo = reader.ReadString();
        var correlation = reader.ReadInt64();
        var localId = reader.ReadUInt64();
        var user = reader.ReadString();
        var hasHost = reader.ReadBoolean();
        var host = reader.ReadString();
        var resource = reader.ReadString();
        var condition = reader.ReadString();
        var hasText = reader.ReadBoolean();
        var text = reader.ReadString();
        var mode = reader.ReadByte();
        var priority = reader.ReadInt32();
        var value = reader.ReadInt64();
        var payload = reader.ReadBytes(reader.ReadInt32());
        return new InboxFrame(command, replyTo, correlation)
        {
            LocalId = localId,
            User = user,
            Host = hasHost ? host : null,
            Resource = resource,
            Condition = condition,
            Text = hasText ? text : null,
            Mode = mode,
            Priority = priority,
            Value = value,
            Payload = payload,
        };
    }
}
