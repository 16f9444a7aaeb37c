using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using MessagePack;

namespace SessionKit.TarantoolServer.Tests.Support;

/// <summary>A minimal iproto client for the protocol and fuzz tests: frames built and read by hand with MessagePack.</summary>
internal sealed class RawClient : IAsyncDisposable
{
    private static readonly TimeSpan Watchdog = TimeSpan.FromMinutes(1);
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawClient(TcpClient tcp, byte[] greeting)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        Greeting = greeting;
    }

    /// <summary>Writes a frame's body.</summary>
    public delegate void BodyWriter(ref MessagePackWriter writer);

    public byte[] Greeting { get; }

    public Socket Socket => _tcp.Client;

    public byte[] Salt => Convert.FromBase64String(Encoding.ASCII.GetString(Greeting, 64, 63).Trim());

    public static async Task<RawClient> ConnectAsync(int port)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port).WaitAsync(Watchdog);
        var greeting = new byte[128];
        await tcp.GetStream().ReadExactlyAsync(greeting).AsTask().WaitAsync(Watchdog);
        return new RawClient(tcp, greeting);
    }

    /// <summary>Builds a frame: the header map {type, sync, extra...}, then the body written by <paramref name="body"/>.</summary>
    public static byte[] Frame(uint type, ulong sync, BodyWriter? body = null, int? lengthOverride = null)
    {
        var payload = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(payload);
        writer.WriteMapHeader(2);
        writer.Write(0x00);
        writer.Write(type);
        writer.Write(0x01);
        writer.Write(sync);
        writer.Flush();
        if (body is not null)
        {
            var bodyWriter = new MessagePackWriter(payload);
            body(ref bodyWriter);
        }

        var frame = new byte[5 + payload.WrittenCount];
        frame[0] = 0xCE;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)(lengthOverride ?? payload.WrittenCount));
        payload.WrittenSpan.CopyTo(frame.AsSpan(5));
        return frame;
    }

    public static byte[] Call(ulong sync, string function, params string[] args) => Frame(10, sync, (ref MessagePackWriter w) =>
    {
        w.WriteMapHeader(2);
        w.Write(0x22);
        w.Write(function);
        w.Write(0x21);
        w.WriteArrayHeader(args.Length);
        foreach (var a in args)
        {
            w.Write(a);
        }

        w.Flush();
    });

    public static byte[] Auth(ulong sync, string user, string password, byte[] salt) => Frame(7, sync, (ref MessagePackWriter w) =>
    {
        var step1 = SHA1.HashData(Encoding.UTF8.GetBytes(password));
        var mask = SHA1.HashData([.. salt.AsSpan(0, 20), .. SHA1.HashData(step1)]);
        var scramble = step1.Zip(mask, (a, b) => (byte)(a ^ b)).ToArray();
        w.WriteMapHeader(2);
        w.Write(0x23);
        w.Write(user);
        w.Write(0x21);
        w.WriteArrayHeader(2);
        w.Write("chap-sha1");
        w.WriteString(scramble);
        w.Flush();
    });

    public Task SendAsync(byte[] bytes) => _stream.WriteAsync(bytes).AsTask().WaitAsync(Watchdog);

    /// <summary>Reads one reply; null when the server closed the connection.</summary>
    public async Task<Reply?> ReadAsync()
    {
        var prefix = new byte[5];
        try
        {
            await _stream.ReadExactlyAsync(prefix).AsTask().WaitAsync(Watchdog);
        }
        catch (EndOfStreamException)
        {
            return null;
        }

        prefix[0].Should().Be(0xCE, "every reply length is 0xCE + u32");
        var frame = new byte[BinaryPrimitives.ReadUInt32BigEndian(prefix.AsSpan(1))];
        await _stream.ReadExactlyAsync(frame).AsTask().WaitAsync(Watchdog);
        return Reply.Parse(frame);
    }

    /// <summary>True when the server closed the connection (reads end) rather than answering.</summary>
    public async Task<bool> ClosedByServerAsync()
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var n = await _stream.ReadAsync(buffer).AsTask().WaitAsync(Watchdog);
                if (n == 0)
                {
                    return true;
                }
            }
        }
        catch (IOException)
        {
            return true;
        }
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
