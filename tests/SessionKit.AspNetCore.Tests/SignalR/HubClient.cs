using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace SessionKit.AspNetCore.Tests.SignalR;

/// <summary>A .NET SignalR client of <see cref="ProbeHub"/> that records what it receives and how it was closed.</summary>
internal sealed class HubClient : IAsyncDisposable
{
    private readonly TaskCompletionSource<Exception?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _received = [];
    private readonly Dictionary<string, TaskCompletionSource> _waits = [];

    private HubClient(HubConnection connection)
    {
        Connection = connection;
        connection.Closed += error =>
        {
            _closed.TrySetResult(error);
            return Task.CompletedTask;
        };
        connection.On<string>("ping", Record);
        connection.On<string>("SessionMessage", m => Record("session:" + m));
    }

    public HubConnection Connection { get; }

    /// <summary>Gets a task completing with the error the client was closed with (null for a clean close).</summary>
    public Task<Exception?> Closed => _closed.Task;

    public IReadOnlyList<string> Received
    {
        get
        {
            lock (_received)
            {
                return _received.ToArray();
            }
        }
    }

    public static HubClient Create(KestrelApp app, string query) =>
        new(new HubConnectionBuilder()
            .WithUrl(app.HttpUri("/hub" + query), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .Build());

    public static async Task<HubClient> StartAsync(KestrelApp app, string query)
    {
        var client = Create(app, query);
        await client.Connection.StartAsync().WaitAsync(KestrelApp.Watchdog);
        return client;
    }

    /// <summary>Starts and returns the refusal: the start's own failure, or the error of the close that follows it.</summary>
    public async Task<Exception?> StartRefusedAsync()
    {
        try
        {
            await Connection.StartAsync().WaitAsync(KestrelApp.Watchdog);
        }
        catch (Exception ex) when (ex is not TimeoutException)
        {
            return ex;
        }

        return await Closed.WaitAsync(KestrelApp.Watchdog);
    }

    /// <summary>Completes when <paramref name="message"/> was received.</summary>
    public Task ReceivedAsync(string message)
    {
        lock (_received)
        {
            if (_received.Contains(message))
            {
                return Task.CompletedTask;
            }

            if (!_waits.TryGetValue(message, out var wait))
            {
                _waits[message] = wait = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return wait.Task.WaitAsync(KestrelApp.Watchdog);
        }
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();

    private void Record(string message)
    {
        lock (_received)
        {
            _received.Add(message);
            if (_waits.Remove(message, out var wait))
            {
                wait.TrySetResult();
            }
        }
    }
}
