using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using static SessionKit.PackageTests.PackageFile;

namespace SessionKit.PackageTests;

/// <summary>
/// Issue 14, point 9: the package asks for the lowest dependency versions it works with, carries its own README with
/// absolute links, names its repository, commit, project page and release notes, takes its version from one line, is
/// validated when packed, and a CI build is deterministic.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed partial class PackageHygieneTests(PackageFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void Nuspec_DependencyFloors_Are10_0_0_NotTheVersionsTheRepositoryTestsWith()
    {
        var dependencies = Metadata(fixture.Package).Descendants(Nuspec + "dependency").ToArray();

        dependencies.Should().NotBeEmpty();
        foreach (var dependency in dependencies)
        {
            // A bare version in a nuspec is a minimum: "10.0.0" means >= 10.0.0.
            dependency.Attribute("version")!.Value.Should().Be("10.0.0", $"{dependency.Attribute("id")!.Value} should ask for any 10.0 release");
        }

        var central = XDocument.Load(Path.Combine(fixture.RepositoryRoot, "Directory.Packages.props")).Descendants("PackageVersion")
            .Single(e => e.Attribute("Include")!.Value == "Microsoft.Extensions.Logging.Abstractions").Attribute("Version")!.Value;
        central.Should().NotBe("10.0.0", "the floor is checked against a repository that tests with a newer patch; if they meet, this test proves nothing");
    }

    [Fact]
    public void PackageReadme_HasOnlyAbsoluteLinksToTheRepository_AndNoTestScript()
    {
        using var package = ZipFile.OpenRead(fixture.Package);
        var readme = Read(package, "README.md");

        var links = LinkTargets(readme);
        links.Should().NotBeEmpty("the README links to the documentation");
        links.Should().OnlyContain(l => l.StartsWith(fixture.RepositoryUrl + "/", StringComparison.Ordinal), "a package page has no repository to resolve a relative link against");
        readme.Should().NotContain("test.sh", "a package user has no checkout to run it in");
        readme.Should().Contain("dotnet add package SessionKit").And.Contain("```csharp");
    }

    [Fact]
    public void Nuspec_NamesTheRepositoryAndCommit_TheProjectUrl_AndReleaseNotesInTheChangelog()
    {
        var metadata = Metadata(fixture.Package);

        var repository = metadata.Element(Nuspec + "repository")!;
        repository.Attribute("type")!.Value.Should().Be("git");
        repository.Attribute("url")!.Value.Should().Be(fixture.RepositoryUrl);
        if (GitClone.IsRepository(fixture.RepositoryRoot))
        {
            repository.Attribute("commit")?.Value.Should().MatchRegex("^[0-9a-f]{40}$", "a package names the commit it was built from");
        }
        else
        {
            output.WriteLine("The sources are not a git repository, so the nuspec names no commit.");
        }

        metadata.Element(Nuspec + "projectUrl")!.Value.Should().Be(fixture.RepositoryUrl);
        var changelogUrl = $"{fixture.RepositoryUrl}/blob/main/CHANGELOG.md";
        metadata.Element(Nuspec + "releaseNotes")!.Value.Should().Contain(changelogUrl);
        File.ReadAllText(Path.Combine(fixture.RepositoryRoot, "CHANGELOG.md")).Should().Contain($"## {fixture.Version}", "the release notes cover the packed version");
    }

    [Fact]
    public void Version_IsTheSingleVersionPrefix_OfDirectoryBuildProps_InTheNuspecAndTheAssembly()
    {
        fixture.VersionPrefixes.Should().ContainSingle("the version is set in one place");
        var projects = Directory.EnumerateFiles(fixture.RepositoryRoot, "*.csproj", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) &&
                !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToArray();
        projects.Should().Contain(p => p.EndsWith("SessionKit.csproj", StringComparison.Ordinal));
        foreach (var project in projects)
        {
            var versions = XDocument.Load(project).Descendants("PropertyGroup").Elements()
                .Where(e => e.Name.LocalName is "Version" or "VersionPrefix" or "PackageVersion" or "AssemblyVersion" or "FileVersion");
            versions.Should().BeEmpty($"{Path.GetFileName(project)} should take its version from Directory.Build.props");
        }

        Metadata(fixture.Package).Element(Nuspec + "version")!.Value.Should().Be(fixture.VersionPrefixes[0]);
        using var package = ZipFile.OpenRead(fixture.Package);
        using var pe = new PEReader(new MemoryStream(ReadBytes(package, "lib/net10.0/SessionKit.dll")));
        var metadata = pe.GetMetadataReader();
        metadata.GetAssemblyDefinition().Version.Should().Be(new Version(fixture.VersionPrefixes[0] + ".0"));
        InformationalVersion(metadata).Should().StartWith(fixture.VersionPrefixes[0] + "+", "the informational version is the version plus the commit");
    }

    [Fact]
    public async Task Project_ValidatesItsPackage_PublishesSourceInformation_AndBuildsDeterministicallyOnCi()
    {
        var project = Path.Combine(fixture.RepositoryRoot, "src", "SessionKit", "SessionKit.csproj");
        string[] names = ["EnablePackageValidation", "ContinuousIntegrationBuild", "Deterministic", "PublishRepositoryUrl", "EmbedUntrackedSources", "IncludeSymbols", "PackageVersion"];

        // Evaluated as a CI server would (CI=true), so what counts is what MSBuild makes of every imported file.
        var (exitCode, text) = await DotNetCli.RunAsync(
            fixture.Root,
            new Dictionary<string, string> { ["CI"] = "true" },
            ["msbuild", project, .. names.Select(n => "-getProperty:" + n)]);
        exitCode.Should().Be(0, text);
        using var json = JsonDocument.Parse(text);
        var properties = json.RootElement.GetProperty("Properties");

        properties.GetProperty("EnablePackageValidation").GetString().Should().Be("true", "dotnet pack runs package validation");
        properties.GetProperty("ContinuousIntegrationBuild").GetString().Should().Be("true", "a CI build maps paths and is deterministic");
        properties.GetProperty("Deterministic").GetString().Should().Be("true");
        properties.GetProperty("PublishRepositoryUrl").GetString().Should().Be("true");
        properties.GetProperty("EmbedUntrackedSources").GetString().Should().Be("true");
        properties.GetProperty("IncludeSymbols").GetString().Should().Be("true");
        properties.GetProperty("PackageVersion").GetString().Should().Be(fixture.Version);
    }

    [Fact]
    public async Task PackageReadme_Example_BuildsAndRunsAgainstThePackage_AndPrintsWhatTheReadmeSays()
    {
        using var package = ZipFile.OpenRead(fixture.Package);
        var readme = Read(package, "README.md");
        var program = CodeBlockAfter(readme, "```csharp");
        var printed = CodeBlockAfter(readme[readme.IndexOf("It prints:", StringComparison.Ordinal)..], "```");

        var consumer = new ConsumerApp(fixture, "readme-example");
        var (exitCode, text) = await consumer.RunAsync(program, output.WriteLine);

        exitCode.Should().Be(0, text);
        var lines = text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var expected = printed.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        expected.Should().NotBeEmpty();
        lines.Should().ContainInConsecutiveOrder(expected, "the README shows what its example prints");
        (await consumer.RestoredSessionKitTypeAsync()).Should().Be("package");
    }

    /// <summary>The targets of inline links, reference definitions and HTML href/src attributes.</summary>
    private static string[] LinkTargets(string markdown) =>
        InlineLink().Matches(markdown).Select(m => m.Groups[1].Value)
            .Concat(ReferenceLink().Matches(markdown).Select(m => m.Groups[1].Value))
            .Concat(HtmlLink().Matches(markdown).Select(m => m.Groups[1].Value))
            .ToArray();

    private static string CodeBlockAfter(string text, string fence)
    {
        var start = text.IndexOf(fence, StringComparison.Ordinal);
        start.Should().BeGreaterThanOrEqualTo(0, $"the README has a {fence} block");
        start = text.IndexOf('\n', start) + 1;
        var end = text.IndexOf("\n```", start, StringComparison.Ordinal);
        return text[start..end];
    }

    private static string InformationalVersion(MetadataReader metadata)
    {
        foreach (var handle in metadata.GetAssemblyDefinition().GetCustomAttributes())
        {
            var attribute = metadata.GetCustomAttribute(handle);
            if (attribute.Constructor.Kind != HandleKind.MemberReference)
            {
                continue;
            }

            var type = metadata.GetTypeReference((TypeReferenceHandle)metadata.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent);
            if (metadata.GetString(type.Name) == "AssemblyInformationalVersionAttribute")
            {
                // The blob is the prolog 0x0001 and then the one string argument.
                var blob = metadata.GetBlobReader(attribute.Value);
                blob.ReadUInt16();
                return blob.ReadSerializedString()!;
            }
        }

        return string.Empty;
    }

    [GeneratedRegex(@"\]\(\s*<?([^)\s>]+)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?\s*$", RegexOptions.Multiline)]
    private static partial Regex ReferenceLink();

    [GeneratedRegex(@"(?:href|src)\s*=\s*[""']([^""']+)", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlLink();
}
