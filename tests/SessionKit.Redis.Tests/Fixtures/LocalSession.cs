namespace SessionKit.Redis.Tests.Fixtures;

/// <summary>A node's open session, as its <c>sessions</c> command lists it.</summary>
public sealed record LocalSession(ulong Id, string User, string? Resource);
