namespace SessionKit.PackageTests.DocSnippets;

/// <summary>
/// The documentation's C# compiles against the packed package, as a reader's code would: every <c>```csharp</c> block
/// of README.md and docs/*.md in a Web SDK project (whose implicit usings include ASP.NET Core's, where a name such as
/// <c>SessionOptions</c> would be ambiguous), and the README's quick start as a console program that runs.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class DocumentationSnippetTests(PackageFixture fixture, ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> Packages = new(StringComparer.Ordinal)
    {
        ["Microsoft.Extensions.TimeProvider.Testing"] = "10.0.0",
        ["Microsoft.Extensions.Diagnostics.Testing"] = "10.0.0",
        ["OpenTelemetry.Extensions.Hosting"] = "1.21.0",
    };

    [Fact]
    public async Task TheReadmeQuickStart_IsACompleteProgram_ThatRunsVerbatim_AndPrintsWhatTheReadmeSays()
    {
        var snippets = DocSnippetReader.Read(fixture.RepositoryRoot);
        var quickStart = snippets.Where(s => s.Path == "README.md" && s.Kind == "program").ToArray();
        quickStart.Should().ContainSingle("the README's quick start is marked <!-- snippet: program -->");
        var readme = await File.ReadAllTextAsync(Path.Combine(fixture.RepositoryRoot, "README.md"));
        var printed = Printed(readme);

        var consumer = new ConsumerApp(fixture, "readme-quick-start");
        var (exitCode, text) = await consumer.RunAsync(quickStart[0].Code, output.WriteLine);

        exitCode.Should().Be(0, text);
        var lines = text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        lines.Should().ContainInConsecutiveOrder(printed, "the README shows what its quick start prints");
    }

    [Fact]
    public async Task EveryCSharpBlock_OfTheReadmeAndTheDocs_CompilesInAWebSdkProject_AgainstThePackage()
    {
        // Blocks that need a satellite package are compiled by that package's own test (AspNetCorePackageTests).
        var snippets = DocSnippetReader.Read(fixture.RepositoryRoot).Where(s => s.Kind != "program" && s.Package.Length == 0).ToArray();
        snippets.Should().HaveCountGreaterThan(10, "the docs are full of examples");
        var files = SnippetProject.Render(snippets);

        var consumer = new ConsumerApp(fixture, "doc-snippets", "Microsoft.NET.Sdk.Web", Packages, noWarn: "CS0168;CS0219;CS8321;CS1998;CS0162;ASP0000");
        var (exitCode, text) = await consumer.BuildAsync(files, output.WriteLine);

        var errors = text.Split('\n', StringSplitOptions.TrimEntries)
            .Where(l => l.Contains(": error ", StringComparison.Ordinal))
            .Select(l => l.Replace(consumer.Folder + Path.DirectorySeparatorChar, string.Empty, StringComparison.Ordinal))
            .Select(l => l.IndexOf(" [", StringComparison.Ordinal) is var end and > 0 ? l[..end] : l)
            .Distinct()
            .ToArray();
        errors.Should().BeEmpty("every C# block of the docs compiles ({0} blocks)", snippets.Length);
        exitCode.Should().Be(0, text);
        output.WriteLine($"{snippets.Length} blocks compiled");
    }

    /// <summary>The lines of the <c>```text</c> block after "It prints:".</summary>
    private static string[] Printed(string readme)
    {
        var at = readme.IndexOf("It prints:", StringComparison.Ordinal);
        at.Should().BeGreaterThanOrEqualTo(0, "the README says what its quick start prints");
        var start = readme.IndexOf("```", at, StringComparison.Ordinal);
        start = readme.IndexOf('\n', start) + 1;
        var end = readme.IndexOf("\n```", start, StringComparison.Ordinal);
        return readme[start..end].Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
    }
}
