using System.Net.WebSockets;
using System.Text;

namespace SessionKit.AspNetCore.Tests;

/// <summary>A test's WebSocket client: connects, collects text messages, and reports the server's close frame.</summary>
internal sealed class WebSocketClient : IDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly List<string> _messages = [];
    private readonly TaskCompletionSource<ServerClose> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<int, TaskCompletionSource<string>> _waits = [];

    public ClientWebSocket Socket => _socket;

    /// <summary>Gets a task that completes with the server's close frame (answered, completing the handshake), or faults when the connection broke.</summary>
    public Task<ServerClose> Closed => _closed.Task;

    public static async Task<WebSocketClient> ConnectAsync(Uri uri)
    {
        var client = new WebSocketClient();
        await client._socket.ConnectAsync(uri, CancellationToken.None).WaitAsync(KestrelApp.Watchdog);
        _ = client.ReadLoopAsync();
        return client;
    }

    /// <summary>Completes when the <paramref name="count"/>-th text message arrived (1-based), with that message.</summary>
    public Task<string> MessageAsync(int count)
    {
        lock (_messages)
        {
            if (_messages.Count >= count)
            {
                return Task.FromResult(_messages[count - 1]);
            }

            if (!_waits.TryGetValue(count, out var wait))
            {
                _waits[count] = wait = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return wait.Task;
        }
    }

    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_messages)
            {
                return _messages.ToArray();
            }
        }
    }

    public Task SendAsync(string text) => _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    public void Dispose() => _socket.Dispose();

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var text = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                    text.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    var close = new ServerClose((int?)result.CloseStatus, result.CloseStatusDescription);
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                    _closed.TrySetResult(close);
                    return;
                }

                var message = Encoding.UTF8.GetString(text.ToArray());
                lock (_messages)
                {
                    _messages.Add(message);
                    if (_waits.Remove(_messages.Count, out var wait))
                    {
                        wait.TrySetResult(message);
                    }
                }
            }
        }
        catch (Exception ex)
        {
            _closed.TrySetException(ex);
        }
    }
}
