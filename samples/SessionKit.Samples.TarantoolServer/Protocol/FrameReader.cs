using System.Buffers;
using MessagePack;

namespace SessionKit.Samples.TarantoolServer.Protocol;

/// <summary>Cuts frames (MP uint length, header map, body map) out of the connection's input and decodes them.</summary>
internal static class FrameReader
{
    /// <summary>What reading the next frame gave.</summary>
    public enum Outcome
    {
        /// <summary>A frame was decoded.</summary>
        Frame,

        /// <summary>More bytes are needed.</summary>
        NeedMore,

        /// <summary>The stream cannot be read further (a bad or oversized length, a bad header): close the connection.</summary>
        Broken,
    }

    /// <summary>Reads one frame from the start of <paramref name="buffer"/> and advances it past the frame.</summary>
    public static Outcome TryRead(ref ReadOnlySequence<byte> buffer, int maxFrameSize, out IprotoRequest? request)
    {
        request = null;
        if (buffer.IsEmpty)
        {
            return Outcome.NeedMore;
        }

        var reader = new MessagePackReader(buffer);
        ulong length;
        try
        {
            // Tarantool accepts any MessagePack uint as the length; clients send 0xCE + u32.
            if (reader.NextMessagePackType != MessagePackType.Integer)
            {
                return Outcome.Broken;
            }

            length = reader.ReadUInt64();
        }
        catch (EndOfStreamException)
        {
            return Outcome.NeedMore;
        }
        catch (MessagePackSerializationException)
        {
            // A negative length, or an integer that does not fit.
            return Outcome.Broken;
        }
        catch (OverflowException)
        {
            return Outcome.Broken;
        }

        if (length == 0 || length > (ulong)maxFrameSize)
        {
            return Outcome.Broken;
        }

        var headerStart = reader.Position;
        var rest = buffer.Slice(headerStart);
        if (rest.Length < (long)length)
        {
            return Outcome.NeedMore;
        }

        var frame = rest.Slice(0, (long)length);
        buffer = rest.Slice((long)length);
        request = Decode(frame);
        return request is null ? Outcome.Broken : Outcome.Frame;
    }

    // Null when the header is unreadable (nothing to reply to); a body error is reported in the request.
    private static IprotoRequest? Decode(ReadOnlySequence<byte> frame)
    {
        var reader = new MessagePackReader(frame);
        uint type;
        ulong sync = 0;
        var haveType = false;
        try
        {
            if (reader.NextMessagePackType != MessagePackType.Map)
            {
                return null;
            }

            var count = reader.ReadMapHeader();
            type = 0;
            for (var i = 0; i < count; i++)
            {
                var key = MsgPack.ReadUInt(ref reader);
                if (key == Iproto.RequestType)
                {
                    var value = MsgPack.ReadUInt(ref reader);
                    type = value > uint.MaxValue ? uint.MaxValue : (uint)value;
                    haveType = true;
                }
                else if (key == Iproto.Sync)
                {
                    sync = MsgPack.ReadUInt(ref reader);
                }
                else if (key >= Iproto.KeyMax)
                {
                    // Tarantool 2.6 refuses a header key past the last one it knows (xrow_header_decode), replying
                    // with the sync read so far; the frame's length keeps the stream in step.
                    return new IprotoRequest { Type = type, Sync = sync, BodyError = "Invalid MsgPack - packet header" };
                }
                else
                {
                    // Other keys (replica id, lsn, timestamp...) mean nothing here and are skipped.
                    MsgPack.Skip(ref reader);
                }
            }
        }
        catch (Exception ex) when (IsDecodingError(ex))
        {
            return null;
        }

        if (!haveType)
        {
            return new IprotoRequest
            {
                Type = uint.MaxValue, Sync = sync, BodyError = "Missing mandatory field 'REQUEST_TYPE' in request", BodyErrorCode = ErrorCode.MissingRequestField,
            };
        }

        return DecodeBody(ref reader, type, sync);
    }

    private static IprotoRequest DecodeBody(ref MessagePackReader reader, uint type, ulong sync)
    {
        uint? space = null;
        string? function = null, expression = null, user = null;
        byte[]? tuple = null;
        try
        {
            if (!reader.End)
            {
                if (reader.NextMessagePackType != MessagePackType.Map)
                {
                    return Invalid(type, sync);
                }

                var count = reader.ReadMapHeader();
                for (var i = 0; i < count; i++)
                {
                    switch (MsgPack.ReadUInt(ref reader))
                    {
                        case Iproto.SpaceId:
                            var id = MsgPack.ReadUInt(ref reader);
                            space = id > uint.MaxValue ? uint.MaxValue : (uint)id;
                            break;
                        case Iproto.FunctionName:
                            function = MsgPack.ReadText(ref reader);
                            break;
                        case Iproto.Expression:
                            expression = MsgPack.ReadText(ref reader);
                            break;
                        case Iproto.UserName:
                            user = MsgPack.ReadText(ref reader);
                            break;
                        case Iproto.Tuple:
                            if (reader.NextMessagePackType != MessagePackType.Array)
                            {
                                return Invalid(type, sync);
                            }

                            tuple = MsgPack.ReadRaw(ref reader);
                            break;
                        default:
                            MsgPack.Skip(ref reader);
                            break;
                    }
                }
            }
        }
        catch (Exception ex) when (IsDecodingError(ex))
        {
            return Invalid(type, sync);
        }

        return new IprotoRequest
        {
            Type = type, Sync = sync, SpaceId = space, FunctionName = function, Expression = expression, UserName = user, Tuple = tuple,
        };
    }

    /// <summary>What MessagePackReader throws for bytes that are not (complete) MessagePack: a length past the end
    /// comes as <see cref="ArgumentOutOfRangeException"/>, bad UTF-8 as a <see cref="System.Text.DecoderFallbackException"/>.</summary>
    public static bool IsDecodingError(Exception ex) =>
        ex is EndOfStreamException or MessagePackSerializationException or OverflowException or ArgumentException or InvalidOperationException;

    private static IprotoRequest Invalid(uint type, ulong sync) =>
        new() { Type = type, Sync = sync, BodyError = "Invalid MsgPack - packet body" };
}
