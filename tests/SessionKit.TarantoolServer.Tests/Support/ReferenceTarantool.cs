using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SessionKit.TarantoolServer.Tests.Support;

/// <summary>A real Tarantool 2.6 running reference.lua (the sample's users, functions and triggers) on a free port.</summary>
internal sealed class ReferenceTarantool : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _workDir;

    private ReferenceTarantool(Process process, string workDir, int port)
    {
        _process = process;
        _workDir = workDir;
        Port = port;
    }

    public int Port { get; }

    public static async Task<ReferenceTarantool> StartAsync()
    {
        Exception? last = null;

        // A port picked with a listener on port 0 may be taken before tarantool binds it: retry with another.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var workDir = Path.Combine(Path.GetTempPath(), "sessionkit-iproto-ref-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(workDir);
            var port = FreePort();
            var process = Process.Start(Tarantool.StartInfo("reference.lua", port.ToString(System.Globalization.CultureInfo.InvariantCulture), workDir))
                ?? throw new InvalidOperationException("Could not start tarantool.");
            var server = new ReferenceTarantool(process, workDir, port);
            try
            {
                _ = process.StandardError.ReadToEndAsync();
                while (true)
                {
                    var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(1));
                    if (line is null)
                    {
                        throw new InvalidOperationException("tarantool exited before READY: " + ReadLog(workDir));
                    }

                    if (line == "READY")
                    {
                        _ = process.StandardOutput.ReadToEndAsync();
                        return server;
                    }
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
            {
                last = ex;
                await server.DisposeAsync();
            }
        }

        throw new InvalidOperationException("The reference Tarantool did not start.", last);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            // Already gone, or not gone after SIGKILL: nothing more to do from here.
        }
        finally
        {
            _process.Dispose();
            try
            {
                Directory.Delete(_workDir, recursive: true);
            }
            catch (IOException)
            {
                // Best effort.
            }
        }
    }

    private static string ReadLog(string workDir)
    {
        var log = Path.Combine(workDir, "tarantool.log");
        return File.Exists(log) ? File.ReadAllText(log) : string.Empty;
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
