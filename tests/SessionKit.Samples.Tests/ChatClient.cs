using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace SessionKit.Samples.Tests;

/// <summary>
/// A test client for the chat server over a real socket. A background loop reads lines into a channel; answers
/// (<c>ok ...</c>, <c>error ...</c>) are told apart from pushes (<c>message ...</c>, <c>left ...</c>, <c>bye ...</c>)
/// by their first word. Every wait is bounded, so a broken server fails a test instead of hanging it.
/// </summary>
public sealed class ChatClient : IAsyncDisposable
{
    // Only turns a hang into a failure; generous so that a slow, loaded machine never trips it.
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _pushes = [];
    private readonly Task _readLoop;

    private ChatClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        LocalPeer = ((IPEndPoint)socket.LocalEndPoint!).ToString();
        _readLoop = Task.Run(ReadLoopAsync);
    }

    /// <summary>Gets the welcome line.</summary>
    public string Welcome { get; private set; } = string.Empty;

    /// <summary>Gets the session id announced in the welcome line.</summary>
    public ulong SessionId { get; private set; }

    /// <summary>Gets the client's own address as the server sees it (the session's peer).</summary>
    public string LocalPeer { get; }

    /// <summary>Gets the pushes seen so far while waiting for other lines.</summary>
    public IReadOnlyList<string> Pushes
    {
        get
        {
            lock (_pushes)
            {
                return _pushes.ToArray();
            }
        }
    }

    public static async Task<ChatClient> ConnectAsync(IPEndPoint server)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server).WaitAsync(Timeout);
        var client = new ChatClient(socket);
        client.Welcome = await client.NextLineAsync();
        client.Welcome.Should().StartWith("welcome to the SessionKit chat server, session ");
        var id = client.Welcome["welcome to the SessionKit chat server, session ".Length..].Split('.')[0];
        client.SessionId = ulong.Parse(id, System.Globalization.CultureInfo.InvariantCulture);
        return client;
    }

    /// <summary>Sends raw bytes (no line break is added).</summary>
    public Task SendRawAsync(byte[] bytes) => _stream.WriteAsync(bytes).AsTask().WaitAsync(Timeout);

    /// <summary>Sends a line and returns its answer: the next line starting with <c>ok</c> or <c>error</c>.</summary>
    public async Task<string> RequestAsync(string line)
    {
        await SendRawAsync(Encoding.UTF8.GetBytes(line + "\n"));
        return await NextAnswerAsync();
    }

    /// <summary>Returns the next answer line, keeping pushes that arrive before it.</summary>
    public async Task<string> NextAnswerAsync()
    {
        while (true)
        {
            var line = await NextLineAsync();
            if (line.StartsWith("ok", StringComparison.Ordinal) || line.StartsWith("error", StringComparison.Ordinal))
            {
                return line;
            }

            lock (_pushes)
            {
                _pushes.Add(line);
            }
        }
    }

    /// <summary>Waits for a push matching <paramref name="predicate"/>, seen earlier or arriving now.</summary>
    public async Task<string> WaitForPushAsync(Func<string, bool> predicate)
    {
        lock (_pushes)
        {
            var seen = _pushes.FirstOrDefault(predicate);
            if (seen is not null)
            {
                return seen;
            }
        }

        while (true)
        {
            var line = await NextLineAsync();
            lock (_pushes)
            {
                _pushes.Add(line);
            }

            if (predicate(line))
            {
                return line;
            }
        }
    }

    /// <summary>Waits until the server closes the connection; returns the lines that came before.</summary>
    public async Task<IReadOnlyList<string>> ReadToEndAsync()
    {
        var lines = new List<string>();
        using var timeout = new CancellationTokenSource(Timeout);
        await foreach (var line in _lines.Reader.ReadAllAsync(timeout.Token))
        {
            lines.Add(line);
        }

        return lines;
    }

    /// <summary>Drops the connection with a TCP reset, as a crashed client or a pulled cable would.</summary>
    public void Abort()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        await _readLoop.WaitAsync(Timeout).ConfigureAwait(false);
        await _stream.DisposeAsync();
    }

    private async Task<string> NextLineAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            return await _lines.Reader.ReadAsync(timeout.Token);
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException("The server closed the connection.");
        }
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[8192];
        var pending = new List<byte>();
        try
        {
            while (true)
            {
                var read = await _stream.ReadAsync(buffer);
                if (read == 0)
                {
                    break;
                }

                for (var i = 0; i < read; i++)
                {
                    if (buffer[i] == (byte)'\n')
                    {
                        await _lines.Writer.WriteAsync(Encoding.UTF8.GetString(pending.ToArray()));
                        pending.Clear();
                    }
                    else
                    {
                        pending.Add(buffer[i]);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // Closed by this side or reset by the server.
        }
        finally
        {
            _lines.Writer.TryComplete();
        }
    }
}
