using System.Diagnostics;
using System.Text.RegularExpressions;
using SessionKit.TarantoolServer.Tests.Support;

namespace SessionKit.TarantoolServer.Tests;

/// <summary>The sample as a person runs it: its own process, <c>--port 0</c>, ready once it prints its address.</summary>
public sealed partial class ProcessTests : IAsyncDisposable
{
    private Process? _server;

    [Fact]
    public async Task TheSampleProcess_PrintsListeningOn_ThenServesAlice()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SessionKit.Samples.TarantoolServer.dll"));
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add("0");
        _server = Process.Start(start)!;
        _ = _server.StandardError.ReadToEndAsync();

        string? line;
        do
        {
            line = await _server.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(1));
        }
        while (line is not null && !line.StartsWith("listening on ", StringComparison.Ordinal));

        line.Should().NotBeNull("the server prints its address when ready");
        var port = int.Parse(Listening().Match(line!).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

        // alice/alice comes from the appsettings.json beside the binary, as with dotnet run.
        await using var client = await RawClient.ConnectAsync(port);
        await client.SendAsync(RawClient.Auth(1, "alice", "alice", client.Salt));
        (await client.ReadAsync())!.Type.Should().Be(0);
        await client.SendAsync(RawClient.Call(2, "box.session.user"));
        (await client.ReadAsync())!.Data.Should().Equal("alice");
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is null)
        {
            return;
        }

        if (!_server.HasExited)
        {
            _server.Kill(entireProcessTree: true);
        }

        await _server.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        _server.Dispose();
    }

    [GeneratedRegex(@"^listening on 127\.0\.0\.1:(\d+)$")]
    private static partial Regex Listening();
}
