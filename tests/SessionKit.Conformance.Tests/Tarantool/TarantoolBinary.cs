namespace SessionKit.Conformance.Tests.Tarantool;

/// <summary>Finds the <c>tarantool</c> executable: <c>TARANTOOL_BIN</c> when set, otherwise the first one on <c>PATH</c>.</summary>
internal static class TarantoolBinary
{
    private static readonly Lazy<string> Path = new(Locate);

    /// <summary>Gets the executable's path.</summary>
    /// <exception cref="InvalidOperationException">Tarantool is not installed: the suite fails rather than skips, because CI installs it.</exception>
    public static string Executable => Path.Value;

    private static string Locate()
    {
        var configured = Environment.GetEnvironmentVariable("TARANTOOL_BIN");
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured)
                ? configured
                : throw new InvalidOperationException($"TARANTOOL_BIN is set to '{configured}', which does not exist.");
        }

        var searchPath = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in searchPath.Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = System.IO.Path.Combine(directory, "tarantool");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            "The conformance tests drive a real Tarantool 2.6, but no `tarantool` executable is on PATH. " +
            "Install it (Debian: apt-get install -y tarantool; .ci/run and test.sh do this when they can) or set TARANTOOL_BIN.");
    }
}
