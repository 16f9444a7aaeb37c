namespace SessionKit.Internal;

/// <summary>A stored credential: the salt and the derived key. Never the password itself.</summary>
internal sealed record PasswordHash(byte[] Salt, byte[] Hash);
