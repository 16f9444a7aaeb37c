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

    private readonly string _sdk;
    private readonly string _noWarn;
    private readonly IReadOnlyDictionary<string, string> _packages;
    private readonly IReadOnlyDictionary<string, string> _feeds;

    /// <param name="fixture">The packed package and its feed.</param>
    /// <param name="name">The app's folder name under the fixture's root.</param>
    /// <param name="sdk">The project SDK: a Web SDK project has ASP.NET Core's implicit usings, where name clashes show.</param>
    /// <param name="packages">Further package references (id → version) beside SessionKit and Microsoft.Extensions.DependencyInjection.</param>
    /// <param name="noWarn">Compiler warnings not to treat as errors (every other warning is one).</param>
    /// <param name="feeds">Further folder feeds (folder → the one package id it serves), for satellite packages packed elsewhere.</param>
    public ConsumerApp(PackageFixture fixture, string name, string sdk = "Microsoft.NET.Sdk", IReadOnlyDictionary<string, string>? packages = null, string noWarn = "", IReadOnlyDictionary<string, string>? feeds = null)
    {
        _feeds = feeds ?? new Dictionary<string, string>();
        _noWarn = noWarn;
        _fixture = fixture;
        _sdk = sdk;
        _packages = packages ?? new Dictionary<string, string>();
        Folder = Path.Combine(fixture.Root, name);
    }

    public string Folder { get; }

    /// <summary>Gets the NuGet global packages folder of the consumers: private, so nothing comes from a stale cache.</summary>
    public string Packages => Path.Combine(_fixture.Root, "packages");

    /// <summary>Writes the project with <paramref name="files"/> (name → text, no top-level program), restores it and builds it.</summary>
    /// <returns>The exit code and output of <c>dotnet build</c>.</returns>
    public async Task<(int ExitCode, string Output)> BuildAsync(IReadOnlyDictionary<string, string> files, Action<string> log)
    {
        Directory.CreateDirectory(Folder);
        await WriteProjectAsync(program: null, outputType: "Library");
        foreach (var (name, text) in files)
        {
            await File.WriteAllTextAsync(Path.Combine(Folder, name), text);
        }

        var restore = await DotNetCli.RunAsync(Folder, "restore", "--ignore-failed-sources", "--disable-build-servers");
        log(restore.Output);
        restore.ExitCode.Should().Be(0, restore.Output);
        var build = await DotNetCli.RunAsync(Folder, "build", "-c", "Release", "--no-restore", "--disable-build-servers", "-p:UseSharedCompilation=false");
        log(build.Output);
        return build;
    }

    /// <summary>Writes the project with <paramref name="program"/> as its Program.cs, restores it and runs it.</summary>
    /// <returns>The exit code and output of <c>dotnet run</c>.</returns>
    public async Task<(int ExitCode, string Output)> RunAsync(string program, Action<string> log)
    {
        Directory.CreateDirectory(Folder);
        await WriteProjectAsync(program, outputType: "Exe");

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

    private async Task WriteProjectAsync(string? program, string outputType)
    {
        // The Web SDK's shared framework has dependency injection already (a package reference there is NU1510).
        var di = _sdk == "Microsoft.NET.Sdk" ? "\n    <PackageReference Include=\"Microsoft.Extensions.DependencyInjection\" Version=\"10.0.14\" />" : string.Empty;
        var references = string.Concat(_packages.Select(p => $"\n    <PackageReference Include=\"{p.Key}\" Version=\"{p.Value}\" />"));
        // Empty Directory.* files stop MSBuild from picking up anything above the temp folder.
        await File.WriteAllTextAsync(Path.Combine(Folder, "Directory.Build.props"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(Folder, "Directory.Build.targets"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(Folder, "Directory.Packages.props"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(Folder, "Consumer.csproj"), $"""
            <Project Sdk="{_sdk}">
              <PropertyGroup>
                <OutputType>{outputType}</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <NoWarn>$(NoWarn);{_noWarn}</NoWarn>
                <NuGetAudit>false</NuGetAudit>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="SessionKit" Version="{_fixture.Version}" />
                <!-- further references -->{di}{references}
              </ItemGroup>
            </Project>
            """);
        if (program is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(Folder, "Program.cs"), program);
        }

        var sources = await MachineSourcesAsync();
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var config = new XElement(
            "configuration",
            new XElement("config", Add("globalPackagesFolder", Packages)),
            new XElement(
                "packageSources",
                new XElement("clear"),
                Add("sessionkit-feed", _fixture.Feed),
                _feeds.Select((f, i) => Add($"satellite-feed-{i}", f.Key)),
                Directory.Exists(cache) ? Add("machine-cache", cache) : null,
                sources.Select((s, i) => Add($"machine-{i}", s))),
            new XElement(
                "packageSourceMapping",
                Map("sessionkit-feed", "SessionKit"),
                _feeds.Select((f, i) => Map($"satellite-feed-{i}", f.Value)),
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
