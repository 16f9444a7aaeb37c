namespace SessionKit.TarantoolServer.Tests.Support;

/// <summary>Finds lines of the repository's docs (the deviations table), so a failure can name <c>docs/FILE:LINE</c>.</summary>
internal static class RepositoryDocs
{
    public const string ServerDoc = "docs/tarantool-server.md";

    /// <summary>Returns <c>docs/tarantool-server.md:N</c> for the table row of deviation <paramref name="id"/>, or null.</summary>
    public static string? DeviationLine(string id)
    {
        var lines = File.ReadAllLines(Path.Combine(Root(), ServerDoc));
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith($"| {id} |", StringComparison.Ordinal))
            {
                return $"{ServerDoc}:{i + 1}";
            }
        }

        return null;
    }

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SessionKit.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("SessionKit.sln not found above " + AppContext.BaseDirectory);
    }
}
