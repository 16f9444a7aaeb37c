using System.Reflection;
using System.Xml.Linq;

namespace SessionKit.PackageTests;

/// <summary>
/// Packs src/SessionKit twice from clean, into two temporary folder feeds, once for all the tests of the class. The packs
/// use a private artifacts folder (never the source tree's bin/obj, which concurrent builds use) and the settings of a
/// release build: <c>ContinuousIntegrationBuild</c> and a fixed <c>DeterministicTimestamp</c>. A pack takes as long as
/// the machine needs; nothing here limits it.
/// </summary>
public sealed class PackageFixture : IAsyncLifetime
{
    public PackageFixture()
    {
        RepositoryRoot = typeof(PackageFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;
        var props = XDocument.Load(Path.Combine(RepositoryRoot, "Directory.Build.props"));
        VersionPrefixes = props.Descendants("VersionPrefix").Select(e => e.Value.Trim()).ToArray();
        Version = VersionPrefixes.FirstOrDefault() ?? "(no VersionPrefix in Directory.Build.props)";
        RepositoryUrl = props.Descendants("RepositoryUrl").Single().Value.Trim();
        Root = Path.Combine(Path.GetTempPath(), "sessionkit-package-" + Guid.NewGuid().ToString("N")[..12]);
        Feed = Path.Combine(Root, "feed");
        SecondFeed = Path.Combine(Root, "feed-again");
    }

    public string RepositoryRoot { get; }

    /// <summary>Gets every <c>VersionPrefix</c> set in Directory.Build.props: the version is set there once.</summary>
    public IReadOnlyList<string> VersionPrefixes { get; }

    /// <summary>Gets the version every package should have: the <c>VersionPrefix</c> of Directory.Build.props.</summary>
    public string Version { get; }

    /// <summary>Gets the <c>RepositoryUrl</c> of Directory.Build.props.</summary>
    public string RepositoryUrl { get; }

    /// <summary>Gets the temporary folder everything happens in; deleted afterwards.</summary>
    public string Root { get; }

    public string Feed { get; }

    public string SecondFeed { get; }

    public string Package => Path.Combine(Feed, $"SessionKit.{Version}.nupkg");

    public string SymbolPackage => Path.Combine(Feed, $"SessionKit.{Version}.snupkg");

    public string PackOutput { get; private set; } = string.Empty;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        var artifacts = Path.Combine(Root, "artifacts");
        PackOutput = await PackAsync(Feed, artifacts);

        // The same inputs again from a clean artifacts folder: a deterministic build gives the same bytes.
        Directory.Delete(artifacts, recursive: true);
        await PackAsync(SecondFeed, artifacts);
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }

        return ValueTask.CompletedTask;
    }

    private async Task<string> PackAsync(string output, string artifacts)
    {
        var project = Path.Combine(RepositoryRoot, "src", "SessionKit", "SessionKit.csproj");
        var (exitCode, text) = await DotNetCli.PackAsync(
            Root,
            project,
            output,
            artifacts,
            "-p:ContinuousIntegrationBuild=true",
            "-p:DeterministicTimestamp=2026-01-01T00:00:00Z");
        exitCode.Should().Be(0, $"dotnet pack should succeed:\n{text}");
        return text;
    }
}
