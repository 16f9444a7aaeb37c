namespace SessionKit.PackageTests.DocSnippets;

/// <summary>One <c>```csharp</c> block of the README or of docs/*.md.</summary>
/// <param name="Path">The Markdown file, relative to the repository root.</param>
/// <param name="Line">The line of the block's first code line (1-based).</param>
/// <param name="Kind">How the block compiles: <c>statements</c> (the default), <c>file</c> or <c>program</c>.</param>
/// <param name="Given">For statements: the parameters the block reads, declared by its annotation.</param>
/// <param name="Code">The block's text.</param>
/// <param name="Package">A satellite package the block needs besides SessionKit (<c>SessionKit.AspNetCore</c>), or empty.</param>
internal sealed record DocSnippet(string Path, int Line, string Kind, string Given, string Code, string Package = "")
{
    /// <summary>Gets a value naming the block for messages: <c>docs/su.md:12</c>.</summary>
    public string Where => $"{Path}:{Line}";
}
