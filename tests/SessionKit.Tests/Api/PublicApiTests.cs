using System.Runtime.CompilerServices;

namespace SessionKit.Tests.Api;

/// <summary>
/// The public surface is tracked at build time by Microsoft.CodeAnalysis.PublicApiAnalyzers in
/// src/SessionKit/PublicAPI.Shipped.txt (0.1.0) and PublicAPI.Unshipped.txt (changes since): an undeclared public member
/// fails the build (RS0016), as does a declared one that disappeared (RS0017). These tests check that the tracking is on
/// and complete, and the rules the analyzer does not check.
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void TheDeclaredApi_TracksNullability_AndNamesEveryPublicTypeOfTheAssembly()
    {
        var folder = Path.Combine(RepositoryRoot(), "src", "SessionKit");
        var files = new[] { "PublicAPI.Shipped.txt", "PublicAPI.Unshipped.txt" }.Select(f => File.ReadAllLines(Path.Combine(folder, f))).ToArray();
        files.Should().AllSatisfy(lines => lines.First().Should().Be("#nullable enable", "nullable annotations are part of the declared API"));

        var removed = files.SelectMany(l => l).Where(l => l.StartsWith("*REMOVED*", StringComparison.Ordinal)).Select(l => l["*REMOVED*".Length..]).ToHashSet(StringComparer.Ordinal);
        var declared = files.SelectMany(l => l).Where(l => !l.StartsWith('#') && !l.StartsWith("*REMOVED*", StringComparison.Ordinal) && !removed.Contains(l)).ToArray();
        var undeclared = typeof(SessionManager).Assembly.GetExportedTypes()
            .Select(t => t.FullName!.Replace('+', '.'))
            .Select(name => name.Contains('`', StringComparison.Ordinal) ? name[..name.IndexOf('`', StringComparison.Ordinal)] : name)
            .Where(name => !declared.Any(line => line.Contains(name, StringComparison.Ordinal)))
            .ToArray();
        undeclared.Should().BeEmpty("every public type is declared in the PublicAPI files, so the analyzer tracks its members");
    }

    [Fact]
    public void PublicTypes_AreSealedOrStaticOrAbstractOrValueTypesOrInterfaces()
    {
        var unsealed = typeof(SessionManager).Assembly.GetExportedTypes()
            .Where(t => t.IsClass && !t.IsSealed && !t.IsAbstract)
            .Select(t => t.FullName)
            .ToArray();
        unsealed.Should().BeEmpty("public classes are sealed by default");
    }

    private static string RepositoryRoot([CallerFilePath] string sourceFile = "")
    {
        // Above the test binaries in an ordinary build; from this file's path when the binaries live elsewhere
        // (dotnet test --artifacts-path).
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SessionKit.sln")))
            {
                return dir.FullName;
            }
        }

        var fromSource = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile)!, "..", "..", ".."));
        return File.Exists(Path.Combine(fromSource, "SessionKit.sln"))
            ? fromSource
            : throw new InvalidOperationException("SessionKit.sln not found above the test binaries or this source file.");
    }
}
