namespace SessionKit.AspNetCore.Tests;

/// <summary>What the server's close frame said.</summary>
internal sealed record ServerClose(int? Status, string? Description);
