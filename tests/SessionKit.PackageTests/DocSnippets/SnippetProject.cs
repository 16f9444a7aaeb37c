using System.Text;
using System.Text.RegularExpressions;

namespace SessionKit.PackageTests.DocSnippets;

/// <summary>
/// Renders documentation blocks as the source files of one library project: each block in a namespace of its own,
/// statements inside an async method whose parameters are the block's <c>given</c>, with <c>#line</c> directives so
/// that a compiler error names the Markdown file and line.
/// </summary>
internal static partial class SnippetProject
{
    /// <summary>Usings every block may rely on besides the SDK's implicit ones (a reader's file would have them).</summary>
    private const string CommonUsings = """
        using System.Diagnostics;
        using System.Net;
        using System.Net.Sockets;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Hosting;
        using Microsoft.Extensions.Logging;
        using Microsoft.Extensions.Time.Testing;
        using SessionKit;
        using SessionKit.PackageTests.DocSnippets.HostTypes;
        """;

    public static Dictionary<string, string> Render(IEnumerable<DocSnippet> snippets)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal) { ["HostTypes.cs"] = HostTypes.Source };
        var n = 0;
        foreach (var snippet in snippets)
        {
            n++;
            files[$"Snippet{n:D3}.cs"] = Render(snippet, n);
        }

        return files;
    }

    private static string Render(DocSnippet snippet, int n)
    {
        var lines = snippet.Code.Split('\n');
        var usings = lines.TakeWhile(l => UsingDirective().IsMatch(l) || l.Trim().Length == 0).ToArray();
        var body = lines[usings.Length..];
        var first = snippet.Line + usings.Length;
        var text = new StringBuilder();
        text.AppendLine($"// {snippet.Where}");
        text.AppendLine(CommonUsings);
        // A block's own usings, minus those already above (a duplicate is warning CS0105).
        foreach (var u in usings.Select(u => u.Trim()).Where(u => u.Length != 0 && !CommonUsings.Contains(u, StringComparison.Ordinal)))
        {
            text.AppendLine(u);
        }

        // One namespace per Markdown file: a block may use a type an earlier block of the same page declared.
        text.AppendLine($"namespace DocSnippets.{Identifier(snippet.Path)};");
        if (snippet.Kind == "file")
        {
            text.AppendLine($"#line {first} \"{snippet.Path}\"");
            text.AppendLine(string.Join('\n', body));
            return text.ToString();
        }

        text.AppendLine($"internal static class Snippet{n:D3}");
        text.AppendLine("{");
        text.AppendLine($"    internal static async Task RunAsync({snippet.Given})");
        text.AppendLine("    {");
        text.AppendLine("        await Task.CompletedTask;");
        text.AppendLine($"#line {first} \"{snippet.Path}\"");
        text.AppendLine(string.Join('\n', body));
        text.AppendLine("#line default");
        text.AppendLine("    }");
        text.AppendLine("}");
        return text.ToString();
    }

    private static string Identifier(string path) =>
        string.Concat(Path.GetFileNameWithoutExtension(path).Split('-', '.').Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]));

    [GeneratedRegex(@"^using\s+(static\s+)?[A-Za-z_][\w.]*(\s*=\s*[\w.<>]+)?\s*;\s*$")]
    private static partial Regex UsingDirective();
}
