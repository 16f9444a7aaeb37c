namespace SessionKit.PackageTests;

/// <summary>What the git metadata of the repository the tests run from says, read from its files.</summary>
internal static class GitClone
{
    private static readonly string[] KnownHosts = ["github.com", "gitlab.com", "bitbucket.org", "dev.azure.com", "visualstudio.com"];

    /// <summary>Gets whether the sources are a git repository or worktree (an exported tree is neither).</summary>
    public static bool IsRepository(string repositoryRoot) => Path.Exists(Path.Combine(repositoryRoot, ".git"));

    /// <summary>Gets whether the clone has a remote on a host the SDK's Source Link providers know.</summary>
    public static bool HasKnownRemote(string repositoryRoot)
    {
        var git = Path.Combine(repositoryRoot, ".git");
        string? config = null;
        if (Directory.Exists(git))
        {
            config = Path.Combine(git, "config");
        }
        else if (File.Exists(git))
        {
            // A worktree: ".git" names the real git folder, whose commondir holds the shared config.
            var gitDir = File.ReadAllText(git).Replace("gitdir:", string.Empty, StringComparison.Ordinal).Trim();
            var common = Path.Combine(gitDir, "commondir");
            config = Path.Combine(File.Exists(common) ? Path.GetFullPath(Path.Combine(gitDir, File.ReadAllText(common).Trim())) : gitDir, "config");
        }

        return config is not null && File.Exists(config) &&
            File.ReadAllLines(config).Any(line => line.TrimStart().StartsWith("url", StringComparison.Ordinal) &&
                KnownHosts.Any(host => line.Contains(host, StringComparison.OrdinalIgnoreCase)));
    }
}
