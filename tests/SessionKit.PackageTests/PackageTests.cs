using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using static SessionKit.PackageTests.PackageFile;

namespace SessionKit.PackageTests;

/// <summary>
/// What <c>dotnet pack src/SessionKit -c Release</c> produces, checked the way a user meets it: the package's contents
/// and metadata, its symbols, its determinism, and a console app that restores it from a folder feed by
/// PackageReference and calls <c>AddSessions()</c>.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class PackageTests(PackageFixture fixture, ITestOutputHelper output)
{
    private static readonly Guid SourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");
    private static readonly Guid EmbeddedSourceKind = new("0E8A571B-6926-466E-B4AD-8AB04611F5FE");

    [Fact]
    public void Pack_ProducesThePackageAndTheSymbolPackage()
    {
        File.Exists(fixture.Package).Should().BeTrue(fixture.PackOutput);
        File.Exists(fixture.SymbolPackage).Should().BeTrue(fixture.PackOutput);
        Directory.GetFiles(fixture.Feed).Select(Path.GetFileName).Should().BeEquivalentTo($"SessionKit.{fixture.Version}.nupkg", $"SessionKit.{fixture.Version}.snupkg");
    }

    [Fact]
    public void Package_HoldsTheAssemblyItsXmlDocsAndThePackageReadme()
    {
        using var package = ZipFile.OpenRead(fixture.Package);
        var entries = package.Entries.Select(e => e.FullName).ToArray();

        entries.Should().Contain(["README.md", "lib/net10.0/SessionKit.dll", "lib/net10.0/SessionKit.xml", "SessionKit.nuspec"]);
        entries.Should().NotContain(e => e.EndsWith(".pdb", StringComparison.Ordinal), "symbols go to the .snupkg");
        Read(package, "README.md").Should().Be(File.ReadAllText(Path.Combine(fixture.RepositoryRoot, "src", "SessionKit", "README.md")), "the package has its own README");

        var docs = XDocument.Parse(Read(package, "lib/net10.0/SessionKit.xml"));
        var members = docs.Descendants("member").Select(m => (string)m.Attribute("name")!).ToArray();
        members.Should().Contain("T:SessionKit.SessionManager");
        members.Should().Contain("M:SessionKit.SessionKitServiceCollectionExtensions.AddSessions(Microsoft.Extensions.DependencyInjection.IServiceCollection)");
    }

    [Fact]
    public void Nuspec_HasTheMitLicenseExpression_TheReadme_TheRepository_AndOnlyTheAllowedDependencies()
    {
        var metadata = Metadata(fixture.Package);

        metadata.Element(Nuspec + "id")!.Value.Should().Be("SessionKit");
        metadata.Element(Nuspec + "version")!.Value.Should().Be(fixture.Version);
        var license = metadata.Element(Nuspec + "license")!;
        license.Attribute("type")!.Value.Should().Be("expression");
        license.Value.Should().Be("MIT");
        metadata.Element(Nuspec + "readme")!.Value.Should().Be("README.md");
        metadata.Element(Nuspec + "description")!.Value.Should().NotBeNullOrWhiteSpace();
        var repository = metadata.Element(Nuspec + "repository")!;
        repository.Attribute("type")!.Value.Should().Be("git");
        repository.Attribute("url")!.Value.Should().StartWith("https://");

        // Issue 14 allows the core these abstractions packages and nothing else.
        var groups = metadata.Element(Nuspec + "dependencies")!.Elements(Nuspec + "group").ToArray();
        groups.Select(g => g.Attribute("targetFramework")!.Value).Should().Equal("net10.0");
        var ids = groups[0].Elements(Nuspec + "dependency").Select(d => d.Attribute("id")!.Value).ToArray();
        ids.Should().Contain(["Microsoft.Extensions.DependencyInjection.Abstractions", "Microsoft.Extensions.Logging.Abstractions"]);
        ids.Should().BeSubsetOf(
            [
                "Microsoft.Extensions.DependencyInjection.Abstractions",
                "Microsoft.Extensions.Logging.Abstractions",
                "Microsoft.Extensions.Options",
                "Microsoft.Extensions.Hosting.Abstractions",
            ],
            "the package may depend on Microsoft.Extensions abstractions only");
    }

    [Fact]
    public void SymbolPackage_HoldsAPortablePdbOfThePackagedAssembly_WithMappedPathsEmbeddedGeneratedSourcesAndSourceLink()
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
        var kinds = reader.CustomDebugInformation.Select(h => reader.GetGuid(reader.GetCustomDebugInformation(h).Kind)).ToArray();
        kinds.Should().Contain(EmbeddedSourceKind, "generated sources (the LoggerMessage code) are embedded");

        if (!GitClone.IsRepository(fixture.RepositoryRoot))
        {
            // The source roots that the path map and Source Link use come from git; an exported tree has neither.
            output.WriteLine("The sources are not a git repository, so their paths are not mapped to /_/ and there is no Source Link.");
            return;
        }

        documents.Where(d => d.Contains("/src/SessionKit/", StringComparison.Ordinal))
            .Should().OnlyContain(d => d.StartsWith("/_/", StringComparison.Ordinal), "a CI build maps the repository root to /_/");

        // Source Link works from any clone: one with a remote on GitHub maps to it, any other (a clone of a local
        // path as CI makes, or none) maps to RepositoryUrl. Either way at the commit the nuspec names.
        var commit = Metadata(fixture.Package).Element(Nuspec + "repository")!.Attribute("commit")!.Value;
        var sourceLink = reader.CustomDebugInformation.Select(reader.GetCustomDebugInformation)
            .Where(c => reader.GetGuid(c.Kind) == SourceLinkKind)
            .Select(c => Encoding.UTF8.GetString(reader.GetBlobBytes(c.Value)))
            .SingleOrDefault();
        sourceLink.Should().NotBeNull("Source Link maps the sources to the repository");
        output.WriteLine(sourceLink);
        using var json = JsonDocument.Parse(sourceLink!);
        var map = json.RootElement.GetProperty("documents").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        map.Should().ContainKey("/_/*");
        if (GitClone.HasKnownRemote(fixture.RepositoryRoot))
        {
            map["/_/*"].Should().StartWith("https://").And.EndWith($"/{commit}/*");
        }
        else
        {
            var raw = fixture.RepositoryUrl.Replace("https://github.com/", "https://raw.githubusercontent.com/", StringComparison.Ordinal);
            map["/_/*"].Should().Be($"{raw}/{commit}/*", "a clone without a GitHub remote maps to RepositoryUrl");
        }
    }

    [Fact]
    public void Pack_IsDeterministic_TwoCleanPacksAreBitIdentical()
    {
        foreach (var name in new[] { $"SessionKit.{fixture.Version}.nupkg", $"SessionKit.{fixture.Version}.snupkg" })
        {
            var first = SHA256.HashData(File.ReadAllBytes(Path.Combine(fixture.Feed, name)));
            var second = SHA256.HashData(File.ReadAllBytes(Path.Combine(fixture.SecondFeed, name)));
            Convert.ToHexString(second).Should().Be(Convert.ToHexString(first), $"{name} should not change between two clean packs of the same sources");
        }
    }

    [Fact]
    public async Task Consumer_ReferencingThePackage_BuildsRunsAndUsesAddSessions()
    {
        var consumer = new ConsumerApp(fixture, "consumer");
        var (exitCode, text) = await consumer.RunAsync(
            """
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
            """,
            output.WriteLine);

        exitCode.Should().Be(0, text);
        var lines = text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        lines.Should().ContainInConsecutiveOrder(
            "on_connect 1 binary",
            "session 1 user alice effective alice sync 42",
            "registered 1",
            "on_disconnect 1 alice",
            "stopped");

        // Restored from the folder feed as a package, not from a project and not from a stale cache.
        (await consumer.RestoredSessionKitTypeAsync()).Should().Be("package");
        var restored = Path.Combine(consumer.Packages, "sessionkit", fixture.Version, $"sessionkit.{fixture.Version}.nupkg");
        Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(restored)))
            .Should().Be(Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(fixture.Package))));
    }
}
