using System.Net.Sockets;
using MessagePack;
using SessionKit.TarantoolServer.Tests.Support;

namespace SessionKit.TarantoolServer.Tests;

/// <summary>
/// Issue 17: random bytes and mutated valid frames never crash the sample and never leak a session. Bounded (a fixed
/// number of connections, 8 at a time) and seeded: a failure prints the seed, and FUZZ_SEED replays it.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int Connections = 1000;
    private const int Parallel = 8;

    [Fact]
    public async Task RandomBytesAndMutatedFrames_NeverCrash_AndEverySessionIsDisconnectedAndDestroyed()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("FUZZ_SEED"), out var s) ? s : Random.Shared.Next();
        output.WriteLine($"FUZZ_SEED={seed}");
        await using var server = await SampleServer.StartAsync();
        var random = new Random(seed);
        var inputs = Enumerable.Range(0, Connections - 1).Select(i => i % 2 == 0 ? RandomBytes(random) : Mutated(random, Valid(random)))
            .Append(DeeplyNested())
            .ToArray();

        using var gate = new SemaphoreSlim(Parallel);
        await Task.WhenAll(inputs.Select(async input =>
        {
            await gate.WaitAsync();
            try
            {
                await SendAndHangUpAsync(server.Port, input);
            }
            finally
            {
                gate.Release();
            }
        })).WaitAsync(TimeSpan.FromMinutes(2));

        await server.WhenIdleAsync();
        var because = $"FUZZ_SEED={seed}";
        server.Activity.Faults.Should().Be(0, because);
        server.Sessions.Count.Should().Be(0, because);
        server.Log.Connects.Should().Be(Connections, because);
        server.Log.Disconnects.Should().Be(server.Log.Connects, because);

        // And the server still serves a well-behaved client.
        await using var client = await RawClient.ConnectAsync(server.Port);
        await client.SendAsync(RawClient.Auth(1, "alice", "alice", client.Salt));
        (await client.ReadAsync())!.Type.Should().Be(0, because);
        await client.SendAsync(RawClient.Call(2, "box.session.user"));
        (await client.ReadAsync())!.Data.Should().Equal(["alice"], because);
    }

    // Sends the bytes after the greeting, closes the sending side, and reads until the server closes: by then the
    // server has seen the whole input and the end of it.
    private static async Task SendAndHangUpAsync(int port, byte[] input)
    {
        await using var client = await RawClient.ConnectAsync(port);
        var socket = client.Socket;
        try
        {
            await socket.SendAsync(input);
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The server closed first (a bad length): that is an allowed answer.
        }

        await client.ClosedByServerAsync();
    }

    // A CALL whose argument is 200,000 arrays deep: decoding must not recurse.
    private static byte[] DeeplyNested() => RawClient.Frame(10, 1, (ref MessagePackWriter w) =>
    {
        w.WriteMapHeader(2);
        w.Write(0x22);
        w.Write("box.session.id");
        w.Write(0x21);
        for (var i = 0; i < 200_000; i++)
        {
            w.WriteArrayHeader(1);
        }

        w.WriteNil();
        w.Flush();
    });

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(1, 300)];
        random.NextBytes(bytes);

        // Half the time start with a plausible length prefix, so the frame decoder (not only the length check) is hit.
        if (random.Next(2) == 0 && bytes.Length > 5)
        {
            bytes[0] = 0xCE;
            bytes[1] = bytes[2] = 0;
            bytes[3] = 0;
            bytes[4] = (byte)random.Next(bytes.Length - 5 + 1);
        }

        return bytes;
    }

    private static byte[] Valid(Random random)
    {
        var sync = (ulong)random.Next(1, 1000);
        return random.Next(7) switch
        {
            0 => RawClient.Frame(64, sync),
            1 => RawClient.Call(sync, "box.session.id"),
            2 => RawClient.Call(sync, "storage_set", "k", "v"),
            3 => RawClient.Call(sync, "yield_sync"),
            4 => RawClient.Call(sync, "push_twice", "a", "b"),
            5 => RawClient.Auth(sync, "alice", "alice", new byte[32]),
            _ => RawClient.Frame(8, sync, (ref MessagePackWriter w) =>
            {
                w.WriteMapHeader(2);
                w.Write(0x27);
                w.Write("return require(\"console\").eval(...)");
                w.Write(0x21);
                w.WriteArrayHeader(1);
                w.Write("box.session.user()");
                w.Flush();
            }),
        };
    }

    private static byte[] Mutated(Random random, byte[] frame)
    {
        var bytes = frame.ToList();
        for (var i = random.Next(1, 4); i > 0; i--)
        {
            switch (random.Next(6))
            {
                case 0:
                    bytes[random.Next(bytes.Count)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes.RemoveRange(random.Next(bytes.Count / 2, bytes.Count), 1);
                    break;
                case 2:
                    bytes.Insert(random.Next(bytes.Count), (byte)random.Next(256));
                    break;
                case 3:
                    bytes[5 + random.Next(Math.Max(1, bytes.Count - 5))] = (byte)random.Next(0xC0, 0x100);
                    break;
                case 4:
                    bytes.AddRange(frame);
                    break;
                default:
                    // The length prefix itself: any u32, oversized ones included.
                    var length = BitConverter.GetBytes((uint)random.Next());
                    bytes[1] = length[3];
                    bytes[2] = length[2];
                    bytes[3] = length[1];
                    bytes[4] = length[0];
                    break;
            }

            if (bytes.Count == 0)
            {
                bytes.Add(0xCE);
            }
        }

        return bytes.ToArray();
    }
}
