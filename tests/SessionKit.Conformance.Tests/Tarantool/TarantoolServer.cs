using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SessionKit.Conformance.Tests.Tarantool;

/// <summary>
/// A real Tarantool server process (server.lua) on 127.0.0.1 and a free port, with its own temporary work folder.
/// Scenarios run against it through a second tarantool process (client.lua) that uses net.box and a raw IPROTO client.
/// </summary>
internal sealed class TarantoolServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private int _scenarios;

    private TarantoolServer(Process process, int port, string workDir)
    {
        _process = process;
        Port = port;
        WorkDir = workDir;
    }

    public int Port { get; }

    public string WorkDir { get; }

    public string LogPath => Path.Combine(WorkDir, "tarantool.log");

    /// <summary>Starts a server and returns once it listens (it prints READY after <c>box.cfg</c> has bound the port).</summary>
    public static async Task<TarantoolServer> StartAsync()
    {
        var executable = TarantoolBinary.Executable;
        Exception? last = null;

        // A port picked with a TcpListener on port 0 can be taken by someone else before Tarantool binds it; try again
        // with a new port a few times before giving up.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var workDir = Path.Combine(Path.GetTempPath(), "sessionkit-tarantool-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(workDir);
            var script = Path.Combine(workDir, "server.lua");
            await File.WriteAllTextAsync(script, LuaScripts.Server);
            var port = FreePort();

            var start = new ProcessStartInfo(executable)
            {
                WorkingDirectory = workDir,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(script);
            start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            start.ArgumentList.Add(workDir);

            var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
            var server = new TarantoolServer(process, port, workDir);
            try
            {
                await server.WaitForReadyAsync();
                return server;
            }
            catch (Exception ex)
            {
                last = ex;
                await server.DisposeAsync();
            }
        }

        throw new InvalidOperationException("Tarantool did not start after 3 attempts.", last);
    }

    /// <summary>
    /// Runs one scenario: <paramref name="scenarioLua"/> is a Lua chunk returning <c>{setup = ..., run = function(h) ... end}</c>
    /// (see client.lua). Returns when the client process has exited, after every scenario connection was destroyed.
    /// </summary>
    public async Task<TarantoolRun> RunScenarioAsync(string scenarioLua)
    {
        var n = Interlocked.Increment(ref _scenarios);
        var clientScript = Path.Combine(WorkDir, "client.lua");
        if (!File.Exists(clientScript))
        {
            await File.WriteAllTextAsync(clientScript, LuaScripts.Client);
        }

        var scenarioPath = Path.Combine(WorkDir, $"scenario-{n}.lua");
        await File.WriteAllTextAsync(scenarioPath, scenarioLua);

        var start = new ProcessStartInfo(TarantoolBinary.Executable)
        {
            WorkingDirectory = WorkDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(clientScript);
        start.ArgumentList.Add(Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add(scenarioPath);

        using var client = Process.Start(start) ?? throw new InvalidOperationException("Could not start the tarantool client.");
        var stdout = client.StandardOutput.ReadToEndAsync();
        var stderr = client.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(ClientTimeout))
        {
            try
            {
                await client.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                client.Kill(entireProcessTree: true);
                throw new TimeoutException($"The tarantool client did not finish within {ClientTimeout}. Output so far:\n{Describe(await stdout, await stderr)}");
            }
        }

        var output = await stdout;
        var errors = await stderr;
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
        if (client.ExitCode != 0 || line is null)
        {
            throw new InvalidOperationException($"The tarantool client failed (exit code {client.ExitCode}).\n{Describe(output, errors)}\nServer log:\n{ReadLog()}");
        }

        return TarantoolRun.Parse(line["RESULT ".Length..]);
    }

    /// <summary>Reads the server's log file.</summary>
    public string ReadLog() => File.Exists(LogPath) ? File.ReadAllText(LogPath) : string.Empty;

    /// <summary>Kills the server, always, and removes its work folder.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(StopTimeout);
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (InvalidOperationException)
        {
            // The process was never started or is already gone.
        }
        catch (OperationCanceledException)
        {
            // It did not exit in time after SIGKILL; nothing more can be done from here.
        }
        finally
        {
            _process.Dispose();
            try
            {
                Directory.Delete(WorkDir, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a leftover temp folder must not fail the run.
            }
        }
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

    private static string Describe(string stdout, string stderr) => $"stdout:\n{stdout}\nstderr:\n{stderr}";

    private async Task WaitForReadyAsync()
    {
        _ = _process.StandardError.ReadToEndAsync().ContinueWith(t => Append(t.IsCompletedSuccessfully ? t.Result : string.Empty), TaskScheduler.Default);
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            while (true)
            {
                var line = await _process.StandardOutput.ReadLineAsync(timeout.Token);
                if (line is null)
                {
                    await _process.WaitForExitAsync(timeout.Token);
                    throw new InvalidOperationException($"Tarantool exited with code {_process.ExitCode} before it was ready.\n{Output()}\nlog:\n{ReadLog()}");
                }

                Append(line);
                if (line == "READY")
                {
                    // Keep draining stdout so the server can never block on a full pipe.
                    _ = _process.StandardOutput.ReadToEndAsync().ContinueWith(t => Append(t.IsCompletedSuccessfully ? t.Result : string.Empty), TaskScheduler.Default);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Tarantool did not report READY within {StartTimeout}.\n{Output()}\nlog:\n{ReadLog()}");
        }
    }

    private void Append(string text)
    {
        lock (_output)
        {
            _output.AppendLine(text);
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }
}
