using System.Diagnostics;
using StackExchange.Redis;

namespace SessionKit.Redis.Tests.Fixtures;

/// <summary>
/// A redis-server of the test's own: loopback, a free port, a temporary folder, no persistence, DEBUG enabled for
/// local clients. <see cref="RestartEmptyAsync"/> kills it and starts a fresh one (no data) on the same port.
/// </summary>
public sealed class RedisServer : IRedisDeployment
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sk-redis-").FullName;
    private readonly string[] _extra;
    private Process? _process;
    private ConnectionMultiplexer? _client;

    private RedisServer(int port, string[] extra)
    {
        Port = port;
        _extra = extra;
    }

    public int Port { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    public string Configuration => Endpoint;

    /// <summary>Gets a client of the test's own, to inspect and fault the server.</summary>
    /// <summary>
    /// Connects the test's own admin client. It waits as long as a loaded machine needs (DEBUG SLEEP 5 answers after 5 s,
    /// exactly the client's default timeout); the nodes under test keep their own, shorter timeouts.
    /// </summary>
    internal static async Task<ConnectionMultiplexer> ConnectTestClientAsync(string configuration)
    {
        var config = ConfigurationOptions.Parse(configuration);
        config.AbortOnConnectFail = false;
        config.AsyncTimeout = 60_000;
        config.SyncTimeout = 60_000;
        config.AllowAdmin = true;
        return await ConnectionMultiplexer.ConnectAsync(config);
    }

    public ConnectionMultiplexer Client => _client ?? throw new InvalidOperationException("Not started");

    public IDatabase Db => Client.GetDatabase();

    public static Task<RedisServer> StartAsync() => StartAsync(connectClient: true);

    /// <summary>Starts a server; a Redis Cluster member is started without a client (it has no slots yet).</summary>
    public static async Task<RedisServer> StartAsync(bool connectClient, params string[] extra)
    {
        var server = new RedisServer(FreePort.Next(), extra);
        try
        {
            await server.LaunchAsync();
            if (!connectClient)
            {
                return server;
            }

            server._client = await ConnectTestClientAsync(server.Endpoint);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>kill -9 the server and start an empty one on the same port: Redis "restarted with its data lost".</summary>
    public async Task RestartEmptyAsync()
    {
        Kill();
        await LaunchAsync();
    }

    /// <summary>kill -9 the server (<see cref="StartAgainAsync"/> brings an empty one back on the same port).</summary>
    public void Crash() => Kill();

    /// <summary>Starts an empty server on the same port after <see cref="Crash"/>.</summary>
    public Task StartAgainAsync() => LaunchAsync();

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        Kill();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by the dying server: the temp folder is cleaned by the OS.
        }
    }

    private async Task LaunchAsync()
    {
        var info = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no", "--dir", _dir, "--enable-debug-command", "local", "--protected-mode", "no", .. _extra])
        {
            info.ArgumentList.Add(arg);
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Eventually.TrueAsync(PingAsync, $"redis-server on port {Port} answers PING");
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            using var client = new System.Net.Sockets.TcpClient();
            await client.ConnectAsync("127.0.0.1", Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer);
            return read > 0 && buffer[0] == (byte)'+';
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private void Kill()
    {
        if (_process is { } process)
        {
            try
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
            catch (InvalidOperationException)
            {
                // Exited already.
            }

            process.Dispose();
            _process = null;
        }
    }
}
