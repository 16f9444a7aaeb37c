using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace SessionKit.PackageTests;

/// <summary>
/// What <c>dotnet pack src/SessionKit -c Release</c> produces, checked the way a user meets it: the package's contents
/// and metadata, its symbols, its determinism, and a console app that restores it from a folder feed by
/// PackageReference and calls <c>AddSessions()</c>.
/// </summary>
public sealed class PackageTests(PackageFixture fixture, ITestOutputHelper output) : IClassFixture<PackageFixture>
{
    private static readonly XNamespace Nuspec = "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd";
    private static readonly Guid SourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");
    private static readonly Guid EmbeddedSourceKind = new("0E8A571B-6926-466E-B4AD-8AB04611F5FE");

    [Fact]
    public void Pack_ProducesThePackageAndTheSymbolPackage()
    {
        File.Exists(fixture.Package).Should().BeTrue(fixture.PackOutput);
        File.Exists(fixture.SymbolPackage).Should().BeTrue(fixture.PackOutput);
        Directory.GetFiles(fixture.Feed).Select(Path.GetFileName).Should().BeEquivalentTo("SessionKit.0.1.0.nupkg", "SessionKit.0.1.0.snupkg");
    }

    [Fact]
    public void Package_HoldsTheAssemblyItsXmlDocsAndTheReadme()
    {
        using var package = ZipFile.OpenRead(fixture.Package);
        var entries = package.Entries.Select(e => e.FullName).ToArray();

        entries.Should().Contain(["README.md", "lib/net10.0/SessionKit.dll", "lib/net10.0/SessionKit.xml", "SessionKit.nuspec"]);
        entries.Should().NotContain(e => e.EndsWith(".pdb", StringComparison.Ordinal), "symbols go to the .snupkg");
        Read(package, "README.md").Should().Be(File.ReadAllText(Path.Combine(fixture.RepositoryRoot, "README.md")));

        var docs = XDocument.Parse(Read(package, "lib/net10.0/SessionKit.xml"));
        var members = docs.Descendants("member").Select(m => (string)m.Attribute("name")!).ToArray();
        members.Should().Contain("T:SessionKit.SessionManager");
        members.Should().Contain("M:SessionKit.SessionKitServiceCollectionExtensions.AddSessions(Microsoft.Extensions.DependencyInjection.IServiceCollection)");
    }

    [Fact]
    public void Nuspec_HasTheMitLicenseExpression_TheReadme_TheRepository_AndOnlyTheAllowedDependencies()
    {
        using var package = ZipFile.OpenRead(fixture.Package);
        var metadata = XDocument.Parse(Read(package, "SessionKit.nuspec")).Root!.Element(Nuspec + "metadata")!;

        metadata.Element(Nuspec + "id")!.Value.Should().Be("SessionKit");
        metadata.Element(Nuspec + "version")!.Value.Should().Be(PackageFixture.Version);
        var license = metadata.Element(Nuspec + "license")!;
        license.Attribute("type")!.Value.Should().Be("expression");
        license.Value.Should().Be("MIT");
        metadata.Element(Nuspec + "readme")!.Value.Should().Be("README.md");
        metadata.Element(Nuspec + "description")!.Value.Should().NotBeNullOrWhiteSpace();
        var repository = metadata.Element(Nuspec + "repository")!;
        repository.Attribute("type")!.Value.Should().Be("git");
        repository.Attribute("url")!.Value.Should().StartWith("https://");
        repository.Attribute("commit")?.Value.Should().MatchRegex("^[0-9a-f]{40}$");

        var groups = metadata.Element(Nuspec + "dependencies")!.Elements(Nuspec + "group").ToArray();
        groups.Select(g => g.Attribute("targetFramework")!.Value).Should().Equal("net10.0");
        groups[0].Elements(Nuspec + "dependency").Select(d => d.Attribute("id")!.Value).Should().BeEquivalentTo(
            ["Microsoft.Extensions.DependencyInjection.Abstractions", "Microsoft.Extensions.Logging.Abstractions"],
            "the package may depend on the two abstractions packages only");
    }

    [Fact]
    public void SymbolPackage_HoldsAPortablePdbOfThePackagedAssembly_WithMappedPathsAndEmbeddedGeneratedSources()
    {
        using var package = ZipFile.OpenRead(fixture.Package);
        using var symbols = ZipFile.OpenRead(fixture.SymbolPackage);
        var dll = ReadBytes(package, "lib/net10.0/SessionKit.dll");
        var pdb = ReadBytes(symbols, "lib/net10.0/SessionKit.pdb");

        using var peReader = new PEReader(new MemoryStream(dll));
        var codeView = peReader.ReadDebugDirectory().Single(e => e.Type == DebugDirectoryEntryType.CodeView);
        var pdbInfo = peReader.ReadCodeViewDebugDirectoryData(codeView);
        peReader.ReadDebugDirectory().Should().Contain(e => e.Type == DebugDirectoryEntryType.Reproducible, "the build is deterministic");

        using var provider = MetadataReaderProvider.FromPortablePdbStream(new MemoryStream(pdb));
        var reader = provider.GetMetadataReader();
        new BlobContentId(reader.DebugMetadataHeader!.Id).Guid.Should().Be(pdbInfo.Guid, "the pdb belongs to the packaged dll");

        var documents = reader.Documents.Select(d => reader.GetString(reader.GetDocument(d).Name)).ToArray();
        documents.Should().Contain(d => d.EndsWith("/src/SessionKit/SessionManager.cs", StringComparison.Ordinal));
        if (Path.Exists(Path.Combine(fixture.RepositoryRoot, ".git")))
        {
            documents.Where(d => d.Contains("/src/SessionKit/", StringComparison.Ordinal))
                .Should().OnlyContain(d => d.StartsWith("/_/", StringComparison.Ordinal), "a CI build maps the repository root to /_/");
        }
        else
        {
            // The source roots that the path map uses come from git; an exported tree keeps absolute paths.
            output.WriteLine("The sources are not a git repository, so their paths are not mapped to /_/.");
        }

        var kinds = reader.CustomDebugInformation.Select(h => reader.GetGuid(reader.GetCustomDebugInformation(h).Kind)).ToArray();
        kinds.Should().Contain(EmbeddedSourceKind, "generated sources (the LoggerMessage code) are embedded");

        var sourceLink = reader.CustomDebugInformation.Select(reader.GetCustomDebugInformation)
            .Where(c => reader.GetGuid(c.Kind) == SourceLinkKind)
            .Select(c => Encoding.UTF8.GetString(reader.GetBlobBytes(c.Value)))
            .SingleOrDefault();
        if (HasGitRemote(fixture.RepositoryRoot))
        {
            sourceLink.Should().NotBeNull("Source Link maps the sources to the repository's remote");
            using var json = JsonDocument.Parse(sourceLink!);
            json.RootElement.GetProperty("documents").EnumerateObject().Should().NotBeEmpty();
        }
        else
        {
            // The SDK's built-in Source Link needs a git remote to compute URLs; a clone without one gets an empty map.
            output.WriteLine("This clone has no remote on a Source Link host, so the map is empty; it is checked on clones from GitHub, GitLab, Bitbucket or Azure Repos.");
        }
    }

    [Fact]
    public void Pack_IsDeterministic_TwoCleanPacksAreBitIdentical()
    {
        foreach (var name in new[] { "SessionKit.0.1.0.nupkg", "SessionKit.0.1.0.snupkg" })
        {
            var first = SHA256.HashData(File.ReadAllBytes(Path.Combine(fixture.Feed, name)));
            var second = SHA256.HashData(File.ReadAllBytes(Path.Combine(fixture.SecondFeed, name)));
            Convert.ToHexString(second).Should().Be(Convert.ToHexString(first), $"{name} should not change between two clean packs of the same sources");
        }
    }

    [Fact]
    public async Task Consumer_ReferencingThePackage_BuildsRunsAndUsesAddSessions()
    {
        var consumer = Path.Combine(fixture.Root, "consumer");
        var packages = Path.Combine(fixture.Root, "packages");
        Directory.CreateDirectory(consumer);
        await WriteConsumerAsync(consumer, fixture.Feed, packages);

        // Restore first, tolerating an unreachable registry when the machine's package cache has what is needed.
        var restore = await DotNetCli.RunAsync(consumer, TimeSpan.FromSeconds(90), "restore", "--ignore-failed-sources", "--disable-build-servers");
        output.WriteLine(restore.Output);
        restore.ExitCode.Should().Be(0, restore.Output);
        var (exitCode, text) = await DotNetCli.RunAsync(consumer, TimeSpan.FromSeconds(120), "run", "-c", "Release", "--no-restore", "--disable-build-servers", "-p:UseSharedCompilation=false");
        output.WriteLine(text);

        exitCode.Should().Be(0, text);
        var lines = text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        lines.Should().ContainInConsecutiveOrder(
            "on_connect 1 binary",
            "session 1 user alice effective alice sync 42",
            "registered 1",
            "on_disconnect 1 alice",
            "stopped");

        // Restored from the folder feed as a package, not from a project and not from a stale cache.
        var assets = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(consumer, "obj", "project.assets.json")));
        assets.RootElement.GetProperty("libraries").GetProperty($"SessionKit/{PackageFixture.Version}").GetProperty("type").GetString().Should().Be("package");
        var restored = Path.Combine(packages, "sessionkit", PackageFixture.Version, $"sessionkit.{PackageFixture.Version}.nupkg");
        Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(restored)))
            .Should().Be(Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(fixture.Package))));
    }

    private static async Task WriteConsumerAsync(string consumer, string feed, string packages)
    {
        // Empty Directory.* files stop MSBuild from picking up anything above the temp folder.
        await File.WriteAllTextAsync(Path.Combine(consumer, "Directory.Build.props"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(consumer, "Directory.Build.targets"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(consumer, "Directory.Packages.props"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(consumer, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <NuGetAudit>false</NuGetAudit>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="SessionKit" Version="{PackageFixture.Version}" />
                <PackageReference Include="Microsoft.Extensions.DependencyInjection" Version="10.0.14" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(consumer, "Program.cs"), """
            using Microsoft.Extensions.DependencyInjection;
            using SessionKit;

            var services = new ServiceCollection();
            services.AddSessions(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5))
                .AddUser("alice", "wonderland")
                .OnConnect(c => { Console.WriteLine($"on_connect {c.Session.Id} {c.Session.Type}"); return ValueTask.CompletedTask; })
                .OnDisconnect(c => { Console.WriteLine($"on_disconnect {c.Session.Id} {c.Session.User}"); return ValueTask.CompletedTask; });

            await using (var provider = services.BuildServiceProvider())
            {
                var sessions = provider.GetRequiredService<SessionManager>();
                var session = await sessions.ConnectAsync(SessionType.Binary);
                await sessions.AuthenticateAsync(session, "alice", "wonderland");
                using (sessions.Enter(session, 42))
                {
                    Console.WriteLine($"session {sessions.Id} user {sessions.User} effective {sessions.EffectiveUser} sync {sessions.Sync}");
                }

                Console.WriteLine($"registered {sessions.Count}");
            }

            Console.WriteLine("stopped");
            """);

        var sources = await MachineSourcesAsync();
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var config = new XElement(
            "configuration",
            new XElement("config", Add("globalPackagesFolder", packages)),
            new XElement(
                "packageSources",
                new XElement("clear"),
                Add("sessionkit-feed", feed),
                Directory.Exists(cache) ? Add("machine-cache", cache) : null,
                sources.Select((s, i) => Add($"machine-{i}", s))),
            new XElement(
                "packageSourceMapping",
                Map("sessionkit-feed", "SessionKit"),
                Directory.Exists(cache) ? Map("machine-cache", "*") : null,
                sources.Select((_, i) => Map($"machine-{i}", "*"))));
        await File.WriteAllTextAsync(Path.Combine(consumer, "nuget.config"), config.ToString());

        static XElement Add(string key, string value) => new("add", new XAttribute("key", key), new XAttribute("value", value));
        static XElement Map(string key, string pattern) => new("packageSource", new XAttribute("key", key), new XElement("package", new XAttribute("pattern", pattern)));
    }

    /// <summary>The enabled package sources of this machine (<c>dotnet nuget list source</c>), which reach the registry.</summary>
    private static async Task<string[]> MachineSourcesAsync()
    {
        var (exitCode, text) = await DotNetCli.RunAsync(Path.GetTempPath(), TimeSpan.FromSeconds(30), "nuget", "list", "source", "--format", "Short");
        exitCode.Should().Be(0, text);
        return text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.StartsWith("E ", StringComparison.Ordinal))
            .Select(l => l[2..].Trim())
            .ToArray();
    }

    private static readonly string[] KnownHosts = ["github.com", "gitlab.com", "bitbucket.org", "dev.azure.com", "visualstudio.com"];

    private static bool HasGitRemote(string repositoryRoot)
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

        // The SDK's built-in Source Link only maps remotes on the hosts it knows; a clone of a local path (as CI
        // makes) or of an unknown host gets an empty map, which is not a packaging fault.
        return config is not null && File.Exists(config) &&
            File.ReadAllLines(config).Any(line => line.TrimStart().StartsWith("url", StringComparison.Ordinal) &&
                KnownHosts.Any(host => line.Contains(host, StringComparison.OrdinalIgnoreCase)));
    }

    private static string Read(ZipArchive archive, string name)
    {
        // A StreamReader drops the byte order mark the nuspec starts with.
        using var reader = new StreamReader(archive.GetEntry(name)!.Open(), Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static byte[] ReadBytes(ZipArchive archive, string name)
    {
        using var stream = archive.GetEntry(name)!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
