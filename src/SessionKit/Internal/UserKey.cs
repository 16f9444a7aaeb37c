namespace SessionKit.Internal;

/// <summary>The key of the user index: a user name within an optional host.</summary>
internal readonly record struct UserKey(string? Host, string User);
