using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace SessionKit.Samples.Tests;

/// <summary>
/// Runs the built sample as its own process, the way <c>dotnet run --project samples/SessionKit.Samples.ChatServer</c>
/// does: command-line port, users from its appsettings.json and the command line, the "listening on" line, and a
/// graceful stop on SIGTERM.
/// </summary>
public sealed partial class ChatServerProcessTests
{
    [Fact]
    public async Task Process_PortZero_PrintsTheBoundPort_ServesConfiguredUsers_AndStopsGracefullyOnSigterm()
    {
        using var server = StartServer("--port", "0", "--Chat:Users:carol=carol-password");
        var endPoint = await server.ListeningAsync();
        endPoint.Address.Should().Be(IPAddress.Loopback);
        endPoint.Port.Should().BeGreaterThan(0);

        await using var client = await ChatClient.ConnectAsync(endPoint);
        (await client.RequestAsync("auth alice alice")).Should().Be("ok authenticated as alice", "appsettings.json seeds alice/alice");
        (await client.RequestAsync("auth bob bob")).Should().Be("ok authenticated as bob", "appsettings.json seeds bob/bob");
        (await client.RequestAsync("auth carol carol-password")).Should().Be("ok authenticated as carol", "users can come from the command line too");

        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Sigterm(server.Process.Id);
        (await client.ReadToEndAsync()).Should().Contain("bye system-shutdown: Server is shutting down");
        await server.Process.WaitForExitAsync().WaitAsync(ChatClient.Timeout);
        server.Process.ExitCode.Should().Be(0);
        server.Output.Should().Contain(l => l.Contains($"Session {client.SessionId} (carol) disconnected", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Process_InvalidPort_FailsWithAMessageNamingTheSetting()
    {
        using var server = StartServer("--port", "seventy");

        await server.Process.WaitForExitAsync().WaitAsync(ChatClient.Timeout);

        server.Process.ExitCode.Should().NotBe(0);
        string.Join('\n', server.Output).Should().Contain("Chat:Port (--port) must be a number from 0 to 65535; it is 'seventy'.");
    }

    private static ServerProcess StartServer(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "SessionKit.Samples.ChatServer.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,

            // Anywhere but the app's folder: the server must find its appsettings.json on its own.
            WorkingDirectory = Path.GetTempPath(),
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        return new ServerProcess(Process.Start(info)!);
    }

    private static void Sigterm(int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit(10_000).Should().BeTrue();
        kill.ExitCode.Should().Be(0);
    }

    private sealed partial class ServerProcess : IDisposable
    {
        private readonly List<string> _output = [];
        private readonly TaskCompletionSource<IPEndPoint> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ServerProcess(Process process)
        {
            Process = process;
            process.OutputDataReceived += (_, e) => OnLine(e.Data);
            process.ErrorDataReceived += (_, e) => OnLine(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public IReadOnlyList<string> Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToArray();
                }
            }
        }

        public async Task<IPEndPoint> ListeningAsync()
        {
            var exited = Process.WaitForExitAsync();
            var first = await Task.WhenAny(_listening.Task, exited).WaitAsync(TimeSpan.FromSeconds(60));
            if (first != _listening.Task)
            {
                Assert.Fail("The server exited before listening:\n" + string.Join('\n', Output));
            }

            return await _listening.Task;
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit(10_000);
            }

            Process.Dispose();
        }

        private void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_output)
            {
                _output.Add(line);
            }

            var match = ListeningLine().Match(line);
            if (match.Success)
            {
                _listening.TrySetResult(new IPEndPoint(IPAddress.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)));
            }
        }

        [GeneratedRegex(@"^listening on (127\.0\.0\.1):(\d+)$")]
        private static partial Regex ListeningLine();
    }
}
