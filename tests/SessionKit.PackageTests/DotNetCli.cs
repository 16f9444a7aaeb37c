using System.Diagnostics;
using System.Text;

namespace SessionKit.PackageTests;

/// <summary>
/// Runs the dotnet CLI as a child process, isolated from the test host's MSBuild state, and waits for it to exit
/// however long that takes: a pack or a build on a loaded machine is slow, not wrong.
/// </summary>
internal static class DotNetCli
{
    /// <summary>
    /// Only turns a hung child process into a failure instead of a test run that never ends. A pack or a build on
    /// the slowest machine this runs on takes a few minutes at most, so reaching this means a hang, never slowness.
    /// </summary>
    public static readonly TimeSpan HangWatchdog = TimeSpan.FromMinutes(20);

    /// <summary>
    /// Packs a project of the repository in Release into <paramref name="output"/>, with a private artifacts folder (never
    /// the source tree's bin/obj, which concurrent builds use) and no build server or shared compiler left running.
    /// </summary>
    public static Task<(int ExitCode, string Output)> PackAsync(string workingDirectory, string project, string output, string artifacts, params string[] properties) =>
        RunAsync(
            workingDirectory,
            [
                "pack", project, "-c", "Release", "-o", output, "--artifacts-path", artifacts,
                "--disable-build-servers", "-nodeReuse:false", "-p:UseSharedCompilation=false", .. properties,
            ]);

    public static Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, params string[] args) =>
        RunAsync(workingDirectory, new Dictionary<string, string>(), args);

    public static async Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // `dotnet test` leaves MSBuild variables in the test host's environment; a child build must not inherit them.
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToArray())
        {
            info.Environment.Remove(name);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";

        // No long-lived build servers: they would outlive the test holding its output pipes open.
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_DO_NOT_USE_MSBUILD_SERVER"] = "1";
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var watchdog = new CancellationTokenSource(HangWatchdog);
        try
        {
            await process.WaitForExitAsync(watchdog.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(
                $"dotnet {string.Join(' ', args)} was still running after {HangWatchdog.TotalMinutes} minutes, so it is taken to hang " +
                $"(this watchdog is not a performance limit; a slow machine finishes long before it). Its output so far:\n{Text(output)}");
        }

        // The parameterless wait flushes the asynchronous output readers.
        await process.WaitForExitAsync();
        return (process.ExitCode, Text(output));
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
