using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SessionKit.Samples.ChatServer;

/// <summary>
/// The TCP server: accepts connections on 127.0.0.1, gives each one a SessionKit session, reads its lines and runs
/// each one inside <c>sessions.Enter(session, sync)</c> with a per-connection sync that counts the lines.
/// </summary>
public sealed class TcpChatServer : IHostedService, IDisposable
{
    /// <summary>The answer to a line that is not valid UTF-8.</summary>
    public const string InvalidUtf8Error = "error invalid UTF-8: the line was not run";

    private readonly SessionManager _sessions;
    private readonly ChatCommands _commands;
    private readonly ChatServerOptions _options;
    private readonly ILogger<TcpChatServer> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, bool> _clients = new();
    private readonly TaskCompletionSource<IPEndPoint> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TcpListener? _listener;
    private Task _acceptLoop = Task.CompletedTask;

    /// <summary>Initializes a new instance of the <see cref="TcpChatServer"/> class.</summary>
    /// <param name="sessions">The session manager (registered by <c>AddSessions()</c>).</param>
    /// <param name="commands">The protocol.</param>
    /// <param name="options">The port and limits.</param>
    /// <param name="logger">Where the server logs.</param>
    public TcpChatServer(SessionManager sessions, ChatCommands commands, ChatServerOptions options, ILogger<TcpChatServer> logger)
    {
        _sessions = sessions;
        _commands = commands;
        _options = options;
        _logger = logger;
    }

    /// <summary>Gets a task that completes with the bound address once the server listens.</summary>
    public Task<IPEndPoint> Listening => _listening.Task;

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener = new TcpListener(IPAddress.Loopback, _options.Port);
        _listener.Start();
        var endPoint = (IPEndPoint)_listener.LocalEndpoint;

        // Printed as a plain line so scripts and tests can find the port when started with --port 0.
        Console.Out.WriteLine($"listening on {endPoint}");
        Console.Out.Flush();
        _logger.LogInformation("Chat server listening on {EndPoint}", endPoint);
        _acceptLoop = AcceptLoopAsync(_listener, _stopping.Token);
        _listening.TrySetResult(endPoint);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // 1. No new connections.
        await _stopping.CancelAsync();
        _listener?.Stop();
        await _acceptLoop;

        // 2. Shut SessionKit down: every session is closed with reason system-shutdown (ChatConnection.CloseAsync tells
        //    the client "bye system-shutdown: ..." and hangs up) and its on_disconnect triggers run. This happens here,
        //    while the container can still resolve the class triggers; disposing the container afterwards finds the
        //    manager disposed already.
        await _sessions.DisposeAsync();

        // 3. Let the read loops finish, within the host's shutdown timeout.
        try
        {
            await Task.WhenAll(_clients.Keys).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            _logger.LogWarning("Chat server stopped before every connection finished.");
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _stopping.Dispose();
        _listener?.Dispose();
    }

    private async Task AcceptLoopAsync(TcpListener listener, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(stopping);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException || (ex is SocketException && stopping.IsCancellationRequested))
            {
                return;
            }
            catch (SocketException ex)
            {
                _logger.LogWarning(ex, "Accepting a connection failed.");
                continue;
            }

            socket.NoDelay = true;
            var client = Task.Run(() => RunClientAsync(socket), CancellationToken.None);
            _clients[client] = true;
            _ = client.ContinueWith(t => _clients.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task RunClientAsync(Socket socket)
    {
        using var connection = new ChatConnection(socket, _options.SendTimeout);
        Session session;
        try
        {
            // One session per connection: type binary, the socket's remote address as peer, the connection for pushes.
            session = await _sessions.ConnectAsync(new ConnectOptions
            {
                Type = SessionType.Binary,
                Peer = socket.RemoteEndPoint,
                Connection = connection,
            });
        }
        catch (ObjectDisposedException)
        {
            return;
        }
        catch (Exception ex)
        {
            // An on_connect trigger refused the connection: tell the client, then hang up.
            await TryWriteAsync(connection, $"error {ex.Message}");
            return;
        }

        Exception? failure = null;
        try
        {
            await connection.WriteLineAsync($"welcome to the SessionKit chat server, session {session.Id}. {ChatCommands.Help}");
            var reader = new LineReader(connection.Stream, _options.MaxLineLength);
            ulong sync = 0;
            while (true)
            {
                var (status, line) = await reader.ReadLineAsync();
                if (status == LineStatus.EndOfStream)
                {
                    break;
                }

                if (status == LineStatus.TooLong)
                {
                    await connection.WriteLineAsync($"error line too long (at most {_options.MaxLineLength} bytes)");
                    continue;
                }

                if (status == LineStatus.InvalidUtf8)
                {
                    // Refused before it becomes a command: nothing runs, nothing is broadcast, the sync is not used up.
                    await connection.WriteLineAsync(InvalidUtf8Error);
                    continue;
                }

                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                // Every request runs in the session's ambient context: sessions.Id, User, Sync, Storage answer for it.
                bool quit;
                using (_sessions.Enter(session, ++sync))
                {
                    quit = await _commands.ExecuteAsync(session, connection, line);
                }

                if (quit || session.State != SessionState.Open)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or SessionClosedException)
        {
            // The client vanished (reset, timeout) or the server is stopping: fall through to the disconnect, which
            // hands a transport failure to on_disconnect (context.TransportException).
            failure = ex is IOException or SocketException ? ex : null;
        }
        finally
        {
            // Idempotent: a session closed already (quit after shutdown, CloseAsync) is left as it is. on_disconnect
            // sees the server's own reason when it closed the session (kick, shutdown, slow consumer).
            try
            {
                await _sessions.DisconnectAsync(session, reason: null, transportException: failure);
            }
            catch (ObjectDisposedException)
            {
                // The manager shut down and closed the session itself.
            }
        }
    }

    private static async Task TryWriteAsync(ChatConnection connection, string line)
    {
        try
        {
            await connection.WriteLineAsync(line);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Nobody is listening any more.
        }
    }
}
