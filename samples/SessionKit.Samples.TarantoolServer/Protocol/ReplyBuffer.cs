using System.Buffers;
using System.Buffers.Binary;

namespace SessionKit.Samples.TarantoolServer.Protocol;

/// <summary>One reply frame being written: a rented array that grows, handed to the connection's writer whole.</summary>
internal sealed class ReplyBuffer : IBufferWriter<byte>
{
    private const int LengthPrefix = 5;
    private byte[] _array;
    private int _written;

    private ReplyBuffer(int sizeHint, int start)
    {
        _array = ArrayPool<byte>.Shared.Rent(Math.Max(64, sizeHint));
        _written = start;
    }

    /// <summary>Gets the finished frame.</summary>
    public ReadOnlySpan<byte> Frame => _array.AsSpan(0, _written);

    /// <summary>Starts a frame, leaving room for its 0xCE + u32 length.</summary>
    public static ReplyBuffer Start(int sizeHint = 64) => new(sizeHint, LengthPrefix);

    /// <summary>Bytes sent as they are, without a length (the greeting).</summary>
    public static ReplyBuffer Verbatim(ReadOnlySpan<byte> bytes)
    {
        var buffer = new ReplyBuffer(bytes.Length, 0);
        bytes.CopyTo(buffer._array);
        buffer._written = bytes.Length;
        return buffer;
    }

    /// <summary>Writes the length prefix once the header and body are written.</summary>
    public void Finish()
    {
        _array[0] = 0xCE;
        BinaryPrimitives.WriteUInt32BigEndian(_array.AsSpan(1), (uint)(_written - LengthPrefix));
    }

    /// <summary>Returns the array to the pool; the buffer must not be used afterwards.</summary>
    public void Return()
    {
        var array = _array;
        _array = [];
        ArrayPool<byte>.Shared.Return(array);
    }

    /// <inheritdoc/>
    public void Advance(int count) => _written += count;

    /// <inheritdoc/>
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsMemory(_written);
    }

    /// <inheritdoc/>
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsSpan(_written);
    }

    private void Ensure(int sizeHint)
    {
        var needed = _written + Math.Max(sizeHint, 1);
        if (needed <= _array.Length)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _array.Length * 2));
        _array.AsSpan(0, _written).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_array);
        _array = bigger;
    }
}
