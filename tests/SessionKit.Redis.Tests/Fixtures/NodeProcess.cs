using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace SessionKit.Redis.Tests.Fixtures;

/// <summary>
/// A cluster node in a process of its own (tests/SessionKit.Redis.TestNode): a SessionManager with a
/// RedisSessionDirectory, driven over stdin, answering and reporting events over stdout. Killed in Dispose.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<string>> _answers = new();
    private readonly ConcurrentQueue<string> _events = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _next;

    private NodeProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                _events.Enqueue("stderr " + line);
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int Pid => _process.Id;

    /// <summary>Gets every event line so far (<c>closed id condition</c>, <c>received id text</c>, <c>online user</c>, <c>offline user</c>).</summary>
    public IReadOnlyList<string> Events => [.. _events];

    public static async Task<NodeProcess> StartAsync(string configuration, string name, NodeSettings settings)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])[NodeAssembly, configuration, name, settings.LeaseMs.ToString(System.Globalization.CultureInfo.InvariantCulture), settings.Conflict.ToString(), settings.Limit.ToString(System.Globalization.CultureInfo.InvariantCulture), settings.LimitPolicy.ToString(), settings.WhenUnavailable.ToString()])
        {
            info.ArgumentList.Add(arg);
        }

        var node = new NodeProcess(name, Process.Start(info) ?? throw new InvalidOperationException("The node did not start"));
        try
        {
            await node._ready.Task.WaitAsync(Eventually.Watchdog);
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs a command and returns its answer (throws for an <c>ERR</c> answer unless <paramref name="allowError"/>).</summary>
    public async Task<string> RunAsync(string command, bool allowError = false)
    {
        var id = Interlocked.Increment(ref _next);
        var answer = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _answers[id] = answer;
        var space = command.IndexOf(' ', StringComparison.Ordinal);
        var line = space < 0 ? $"{id} {command} -" : $"{id} {command[..space]} {command[(space + 1)..]}";
        lock (_process)
        {
            _process.StandardInput.WriteLine(line);
            _process.StandardInput.Flush();
        }

        var result = await answer.Task.WaitAsync(Eventually.Watchdog);
        if (!allowError && result.StartsWith("ERR", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{Name}: {command} failed: {result}");
        }

        return result;
    }

    public async Task<ulong> ConnectAsync(string user) => ulong.Parse(await RunAsync($"connect {user}"), System.Globalization.CultureInfo.InvariantCulture);

    public async Task<LocalSession[]> SessionsAsync() => JsonSerializer.Deserialize<LocalSession[]>(await RunAsync("sessions"))!;

    public int Count(string eventPrefix) => _events.Count(e => e.StartsWith(eventPrefix, StringComparison.Ordinal));

    public void Signal(int signal) => Signals.Send(_process.Id, signal);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync().WaitAsync(Eventually.Watchdog);
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        _process.Dispose();
    }

    private static string NodeAssembly
    {
        get
        {
            // tests/SessionKit.Redis.Tests/bin/<Configuration>/net10.0 → tests/SessionKit.Redis.TestNode/bin/<Configuration>/net10.0
            var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var framework = here.Name;
            var configuration = here.Parent!.Name;
            var tests = here.Parent.Parent!.Parent!.Parent!.FullName;
            return Path.Combine(tests, "SessionKit.Redis.TestNode", "bin", configuration, framework, "SessionKit.Redis.TestNode.dll");
        }
    }

    private void OnLine(string? line)
    {
        if (line is null || line.Length < 2)
        {
            return;
        }

        if (line.StartsWith("= ", StringComparison.Ordinal))
        {
            var space = line.IndexOf(' ', 2);
            var id = int.Parse(line.AsSpan(2, space - 2), System.Globalization.CultureInfo.InvariantCulture);
            if (_answers.TryRemove(id, out var answer))
            {
                answer.TrySetResult(line[(space + 1)..]);
            }
        }
        else if (line.StartsWith("! ", StringComparison.Ordinal))
        {
            _events.Enqueue(line[2..]);
            if (line.StartsWith("! ready", StringComparison.Ordinal))
            {
                _ready.TrySetResult();
            }
        }
    }
}
