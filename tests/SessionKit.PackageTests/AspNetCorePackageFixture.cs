using System.Reflection;

namespace SessionKit.PackageTests;

/// <summary>
/// Packs src/SessionKit.AspNetCore once into a folder feed of its own, for the consumers of
/// <see cref="AspNetCorePackageTests"/>; the SessionKit package it depends on comes from <see cref="PackageFixture"/>'s feed.
/// </summary>
public sealed class AspNetCorePackageFixture : IAsyncLifetime
{
    public const string PackageId = "SessionKit.AspNetCore";

    public AspNetCorePackageFixture()
    {
        RepositoryRoot = typeof(AspNetCorePackageFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;
        Root = Path.Combine(Path.GetTempPath(), "sessionkit-aspnetcore-package-" + Guid.NewGuid().ToString("N")[..12]);
        Feed = Path.Combine(Root, "feed");
    }

    public string RepositoryRoot { get; }

    public string Root { get; }

    public string Feed { get; }

    public string PackOutput { get; private set; } = string.Empty;

    public string PackageFor(string version) => Path.Combine(Feed, $"{PackageId}.{version}.nupkg");

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        var project = Path.Combine(RepositoryRoot, "src", "SessionKit.AspNetCore", "SessionKit.AspNetCore.csproj");
        var (exitCode, text) = await DotNetCli.PackAsync(Root, project, Feed, Path.Combine(Root, "artifacts"), "-p:ContinuousIntegrationBuild=true");
        PackOutput = text;
        exitCode.Should().Be(0, $"dotnet pack should succeed:\n{text}");
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
}
