using System.Reflection;
using System.Text.RegularExpressions;

namespace SessionKit.PackageTests;

/// <summary>
/// Packs src/SessionKit and src/SessionKit.Redis into a temporary folder feed, and writes a console app that references
/// SessionKit.Redis by PackageReference (SessionKit comes in as its dependency), for <see cref="RedisPackageTests"/>.
/// </summary>
public sealed partial class RedisPackageFixture : IAsyncLifetime
{
    public RedisPackageFixture()
    {
        RepositoryRoot = typeof(RedisPackageFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;
        var props = File.ReadAllText(Path.Combine(RepositoryRoot, "Directory.Build.props"));
        Version = VersionPrefix().Match(props).Groups[1].Value;
        Root = Path.Combine(Path.GetTempPath(), "sessionkit-redis-package-" + Guid.NewGuid().ToString("N")[..12]);
        Feed = Path.Combine(Root, "feed");
        Consumer = Path.Combine(Root, "consumer");
    }

    public string RepositoryRoot { get; }

    public string Version { get; }

    public string Root { get; }

    public string Feed { get; }

    public string Consumer { get; }

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Consumer);
        foreach (var project in new[] { "SessionKit", "SessionKit.Redis" })
        {
            var (exitCode, text) = await DotNetCli.PackAsync(Root, Path.Combine(RepositoryRoot, "src", project, project + ".csproj"), Feed, Path.Combine(Root, "artifacts"));
            exitCode.Should().Be(0, $"dotnet pack {project} should succeed:\n{text}");
        }

        await File.WriteAllTextAsync(Path.Combine(Consumer, "Directory.Build.props"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(Consumer, "Directory.Build.targets"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(Consumer, "Directory.Packages.props"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(Consumer, "Consumer.csproj"), $"""
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
                <PackageReference Include="SessionKit.Redis" Version="{Version}" />
                <PackageReference Include="Microsoft.Extensions.DependencyInjection" Version="10.0.14" />
              </ItemGroup>
            </Project>
            """);
        var (listed, sources) = await DotNetCli.RunAsync(Path.GetTempPath(), "nuget", "list", "source", "--format", "Short");
        listed.Should().Be(0, sources);
        var machine = sources.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.StartsWith("E ", StringComparison.Ordinal)).Select(l => l[2..].Trim()).ToArray();
        var adds = string.Concat(machine.Select((s, i) => $"<add key=\"machine-{i}\" value=\"{s}\" />"));
        var maps = string.Concat(machine.Select((_, i) => $"<packageSource key=\"machine-{i}\"><package pattern=\"*\" /></packageSource>"));
        await File.WriteAllTextAsync(Path.Combine(Consumer, "nuget.config"), $"""
            <configuration>
              <config><add key="globalPackagesFolder" value="{Path.Combine(Root, "packages")}" /></config>
              <packageSources><clear /><add key="feed" value="{Feed}" />{adds}</packageSources>
              <packageSourceMapping>
                <packageSource key="feed"><package pattern="SessionKit" /><package pattern="SessionKit.Redis" /></packageSource>{maps}
              </packageSourceMapping>
            </configuration>
            """);
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

    [GeneratedRegex(@"<VersionPrefix>([^<]+)</VersionPrefix>")]
    private static partial Regex VersionPrefix();
}
