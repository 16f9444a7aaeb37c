using MessagePack;

namespace SessionKit.Samples.TarantoolServer.Protocol;

/// <summary>Builds reply frames. Every header carries the type, the sync and <c>SCHEMA_VERSION</c> (net.box 2.6 needs it).</summary>
internal static class Replies
{
    /// <summary>Writes the body of a reply that has one: the writer is positioned inside the body map's value.</summary>
    public delegate void BodyWriter<TState>(ref MessagePackWriter writer, TState state);

    /// <summary>An OK reply with no body (PING, AUTH).</summary>
    public static ReplyBuffer Empty(ulong sync)
    {
        var buffer = ReplyBuffer.Start();
        var writer = new MessagePackWriter(buffer);
        Header(ref writer, Iproto.Ok, sync);
        writer.WriteMapHeader(0);
        writer.Flush();
        buffer.Finish();
        return buffer;
    }

    /// <summary>A reply of type <paramref name="type"/> (OK or CHUNK) whose body is <c>{DATA: [items...]}</c>.</summary>
    public static ReplyBuffer Data<TState>(uint type, ulong sync, int count, TState state, BodyWriter<TState> items)
    {
        var buffer = ReplyBuffer.Start();
        var writer = new MessagePackWriter(buffer);
        Header(ref writer, type, sync);
        writer.WriteMapHeader(1);
        writer.Write(Iproto.Data);
        writer.WriteArrayHeader(count);
        items(ref writer, state);
        writer.Flush();
        buffer.Finish();
        return buffer;
    }

    /// <summary>An error reply: type <c>0x8000 | code</c>, body <c>{0x31: message}</c>.</summary>
    public static ReplyBuffer Error(ulong sync, uint code, string message)
    {
        var buffer = ReplyBuffer.Start(64 + message.Length * 3);
        var writer = new MessagePackWriter(buffer);
        Header(ref writer, Iproto.ErrorFlag | code, sync);
        writer.WriteMapHeader(1);
        writer.Write(Iproto.Error24);
        writer.Write(message);
        writer.Flush();
        buffer.Finish();
        return buffer;
    }

    private static void Header(ref MessagePackWriter writer, uint type, ulong sync)
    {
        writer.WriteMapHeader(3);
        writer.Write(Iproto.RequestType);
        writer.Write(type);
        writer.Write(Iproto.Sync);
        writer.Write(sync);
        writer.Write(Iproto.SchemaVersion);
        writer.Write(Iproto.FixedSchemaVersion);
    }
}
