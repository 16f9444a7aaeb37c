using System.Text.Json;
using System.Xml.Linq;

namespace SessionKit.PackageTests;

/// <summary>
/// A console app in a temporary folder that references the packed SessionKit by PackageReference from the folder feed,
/// as a user's app would: no project reference, no settings inherited from this repository.
/// </summary>
internal sealed class ConsumerApp
{
    private readonly PackageFixture _fixture;

    public ConsumerApp(PackageFixture fixture, string name)
    {
        _fixture = fixture;
        Folder = Path.Combine(fixture.Root, name);
    }

    public string Folder { get; }

    /// <summary>Gets the NuGet global packages folder of the consumers: private, so nothing comes from a stale cache.</summary>
    public string Packages => Path.Combine(_fixture.Root, "packages");

    /// <summary>Writes the project with <paramref name="program"/> as its Program.cs, restores it and runs it.</summary>
    /// <returns>The exit code and output of <c>dotnet run</c>.</returns>
    public async Task<(int ExitCode, string Output)> RunAsync(string program, Action<string> log)
    {
        Directory.CreateDirectory(Folder);
        await WriteProjectAsync(program);

        // Restore first, tolerating an unreachable registry when the machine's package cache has what is needed.
        var restore = await DotNetCli.RunAsync(Folder, "restore", "--ignore-failed-sources", "--disable-build-servers");
        log(restore.Output);
        restore.ExitCode.Should().Be(0, restore.Output);
        var run = await DotNetCli.RunAsync(Folder, "run", "-c", "Release", "--no-restore", "--disable-build-servers", "-p:UseSharedCompilation=false");
        log(run.Output);
        return run;
    }

    /// <summary>Gets the type of the SessionKit library the restore chose (<c>package</c> or <c>project</c>).</summary>
    public async Task<string?> RestoredSessionKitTypeAsync()
    {
        using var assets = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Folder, "obj", "project.assets.json")));
        return assets.RootElement.GetProperty("libraries").GetProperty($"SessionKit/{_fixture.Version}").GetProperty("type").GetString();
    }

    private async Task WriteProjectAsync(string program)
    {
        // Empty Directory.* files stop MSBuild from picking up anything above the temp folder.
        await File.WriteAllTextAsync(Path.Combine(Folder, "Directory.Build.props"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(Folder, "Directory.Build.targets"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(Folder, "Directory.Packages.props"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(Folder, "Consumer.csproj"), $"""
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
                <PackageReference Include="SessionKit" Version="{_fixture.Version}" />
                <PackageReference Include="Microsoft.Extensions.DependencyInjection" Version="10.0.14" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(Folder, "Program.cs"), program);

        var sources = await MachineSourcesAsync();
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var config = new XElement(
            "configuration",
            new XElement("config", Add("globalPackagesFolder", Packages)),
            new XElement(
                "packageSources",
                new XElement("clear"),
                Add("sessionkit-feed", _fixture.Feed),
                Directory.Exists(cache) ? Add("machine-cache", cache) : null,
                sources.Select((s, i) => Add($"machine-{i}", s))),
            new XElement(
                "packageSourceMapping",
                Map("sessionkit-feed", "SessionKit"),
                Directory.Exists(cache) ? Map("machine-cache", "*") : null,
                sources.Select((_, i) => Map($"machine-{i}", "*"))));
        await File.WriteAllTextAsync(Path.Combine(Folder, "nuget.config"), config.ToString());

        static XElement Add(string key, string value) => new("add", new XAttribute("key", key), new XAttribute("value", value));
        static XElement Map(string key, string pattern) => new("packageSource", new XAttribute("key", key), new XElement("package", new XAttribute("pattern", pattern)));
    }

    /// <summary>The enabled package sources of this machine (<c>dotnet nuget list source</c>), which reach the registry.</summary>
    private static async Task<string[]> MachineSourcesAsync()
    {
        var (exitCode, text) = await DotNetCli.RunAsync(Path.GetTempPath(), "nuget", "list", "source", "--format", "Short");
        exitCode.Should().Be(0, text);
        return text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.StartsWith("E ", StringComparison.Ordinal))
            .Select(l => l[2..].Trim())
            .ToArray();
    }
}
