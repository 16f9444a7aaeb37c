using System.Text.RegularExpressions;

namespace SessionKit.PackageTests.DocSnippets;

/// <summary>
/// Finds every <c>```csharp</c> block of README.md and docs/*.md. A block compiles as statements unless the line before
/// its fence says otherwise: <c>&lt;!-- snippet: file --&gt;</c> (type declarations, compiled as a file),
/// <c>&lt;!-- snippet: program --&gt;</c> (a complete program, built and run on its own), or
/// <c>&lt;!-- snippet: statements; given: SessionManager sessions, Session session --&gt;</c> (the variables the
/// statements read, which the surrounding text introduced). A trailing <c>; package: SessionKit.AspNetCore</c> marks a
/// block that needs that satellite package: the core's check skips it and the package's own test compiles it.
/// </summary>
internal static partial class DocSnippetReader
{
    public static IReadOnlyList<DocSnippet> Read(string repositoryRoot)
    {
        var files = new[] { Path.Combine(repositoryRoot, "README.md") }
            .Concat(Directory.GetFiles(Path.Combine(repositoryRoot, "docs"), "*.md").Order(StringComparer.Ordinal));
        return files.SelectMany(f => ReadFile(repositoryRoot, f)).ToArray();
    }

    private static IEnumerable<DocSnippet> ReadFile(string root, string file)
    {
        var lines = File.ReadAllLines(file);
        var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimEnd() != "```csharp")
            {
                continue;
            }

            var end = Array.FindIndex(lines, i + 1, l => l.TrimEnd() == "```");
            if (end < 0)
            {
                throw new InvalidOperationException($"{relative}:{i + 1}: a ```csharp block is never closed.");
            }

            var annotation = i > 0 ? Annotation().Match(lines[i - 1]) : Match.Empty;
            var kind = annotation.Success ? annotation.Groups["kind"].Value : "statements";
            var given = annotation.Success ? annotation.Groups["given"].Value.Trim() : string.Empty;
            var package = annotation.Success ? annotation.Groups["package"].Value : string.Empty;
            yield return new DocSnippet(relative, i + 2, kind, given, string.Join('\n', lines[(i + 1)..end]), package);
            i = end;
        }
    }

    [GeneratedRegex(@"^<!--\s*snippet:\s*(?<kind>statements|file|program)\s*(;\s*given:\s*(?<given>.*?))?(;\s*package:\s*(?<package>[\w.]+))?\s*-->\s*$")]
    private static partial Regex Annotation();
}
