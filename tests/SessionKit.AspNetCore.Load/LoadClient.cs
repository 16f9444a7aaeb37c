using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;

namespace SessionKit.AspNetCore.Load;

/// <summary>
/// The client side of each measure, over loopback; every loop has a fixed count. Besides the rate, each measure reads the
/// server process's CPU time (<paramref name="serverCpu"/>) before and after: CPU time per operation is what the
/// endpoint costs, and unlike the rate it hardly moves when other work shares the machine.
/// </summary>
internal sealed class LoadClient(Uri address, Func<TimeSpan> serverCpu)
{
    private readonly HttpClient _http = new() { BaseAddress = address };
    private readonly byte[] _payload = new byte[64];

    /// <summary>Opens and closes (full close handshake) <paramref name="count"/> sockets from <paramref name="workers"/> clients; returns sockets per second.</summary>
    public async Task<Measure> ConnectCloseAsync(string variant, int count, int workers)
    {
        var uri = SocketUri(variant);
        var cpu = serverCpu();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            for (var i = w; i < count; i += workers)
            {
                using var socket = new ClientWebSocket();
                await socket.ConnectAsync(uri, CancellationToken.None);
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            }
        })));
        return new Measure(count / clock.Elapsed.TotalSeconds, (serverCpu() - cpu).TotalMicroseconds / count);
    }

    /// <summary><paramref name="sockets"/> sockets each send and await the echo of <paramref name="messages"/> messages; returns messages per second.</summary>
    public async Task<Measure> EchoAsync(string variant, int sockets, int messages)
    {
        var open = await OpenAsync(variant, sockets);
        try
        {
            var cpu = serverCpu();
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(open.Select(socket => Task.Run(async () =>
            {
                var buffer = new byte[256];
                for (var i = 0; i < messages; i++)
                {
                    await socket.SendAsync(_payload, WebSocketMessageType.Binary, true, CancellationToken.None);
                    var received = 0;
                    while (received < _payload.Length)
                    {
                        received += (await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None)).Count;
                    }
                }
            })));
            return new Measure(sockets * messages / clock.Elapsed.TotalSeconds, (serverCpu() - cpu).TotalMicroseconds / (sockets * messages));
        }
        finally
        {
            await CloseAllAsync(open);
        }
    }

    /// <summary>The server's managed heap growth per open socket: <paramref name="count"/> sockets open (each echoed once), against the heap with none.</summary>
    public async Task<double> MemoryPerSocketAsync(string variant, int count)
    {
        await WaitUntilNoneOpenAsync();
        var before = await HeapAsync();
        var open = await OpenAsync(variant, count);
        try
        {
            var after = await HeapAsync();
            return (after - before) / (double)count;
        }
        finally
        {
            await CloseAllAsync(open);
        }
    }

    private async Task<List<ClientWebSocket>> OpenAsync(string variant, int count)
    {
        var uri = SocketUri(variant);
        var open = new List<ClientWebSocket>(count);
        var buffer = new byte[256];
        for (var i = 0; i < count; i++)
        {
            var socket = new ClientWebSocket();
            await socket.ConnectAsync(uri, CancellationToken.None);

            // One round trip: the server has accepted the socket and entered its loop (and connected the session) by then.
            await socket.SendAsync(_payload, WebSocketMessageType.Binary, true, CancellationToken.None);
            await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
            open.Add(socket);
        }

        return open;
    }

    private static async Task CloseAllAsync(List<ClientWebSocket> sockets)
    {
        await Task.WhenAll(sockets.Select(s => s.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None)));
        foreach (var socket in sockets)
        {
            socket.Dispose();
        }
    }

    private async Task<long> HeapAsync() => long.Parse(await _http.GetStringAsync("/memory"), CultureInfo.InvariantCulture);

    /// <summary>The server ends a socket's request just after the close handshake: wait (bounded) until both endpoints report none open.</summary>
    private async Task WaitUntilNoneOpenAsync()
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (await _http.GetStringAsync("/open") == "0 0")
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("The server still reports open sockets 30 s after the clients closed them.");
    }

    private Uri SocketUri(string variant) => new(address.ToString().Replace("http://", "ws://", StringComparison.Ordinal).TrimEnd('/') + "/" + variant);
}
