using System.Diagnostics;
using System.Text;

namespace SessionKit.TarantoolServer.Tests.Support;

/// <summary>Runs <c>tarantool</c>: the reference server (kept running) and the client script (run to its end).</summary>
internal static class Tarantool
{
    private static readonly TimeSpan Watchdog = TimeSpan.FromMinutes(1);

    public static string LuaDir => Path.Combine(AppContext.BaseDirectory, "Lua");

    public static ProcessStartInfo StartInfo(string script, params string[] args)
    {
        var start = new ProcessStartInfo("tarantool")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = LuaDir,
        };
        start.ArgumentList.Add(Path.Combine(LuaDir, script));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    /// <summary>Runs the client script against <paramref name="port"/> and returns its standard output.</summary>
    public static async Task<string> RunClientAsync(int port)
    {
        using var process = Process.Start(StartInfo("client.lua", port.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            ?? throw new InvalidOperationException("Could not start tarantool.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(Watchdog);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var output = await stdout;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"client.lua failed ({process.ExitCode}):\n{output}\n{await stderr}");
        }

        return output;
    }
}
