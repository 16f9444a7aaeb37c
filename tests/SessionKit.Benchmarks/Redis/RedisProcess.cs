using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SessionKit.Benchmarks.Redis;

/// <summary>A redis-server of the benchmark's own on a free loopback port, without persistence; killed on dispose.</summary>
internal sealed class RedisProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _dir = Directory.CreateTempSubdirectory("sk-bench-redis-").FullName;

    public RedisProcess()
    {
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var info = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var arg in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _dir })
        {
            info.ArgumentList.Add(arg);
        }

        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        for (var i = 0; i < 200; i++)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(25);
            }
        }

        throw new InvalidOperationException("redis-server did not start");
    }

    public int Port { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    public void Dispose()
    {
        _process.Kill();
        _process.WaitForExit();
        _process.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
