namespace SessionKit.Internal;

/// <summary>A user registered with <c>AddUser</c>, to be added to the embedded directory.</summary>
/// <remarks>A class, not a record: a record's generated <c>ToString</c> would print the password.</remarks>
internal sealed class SessionUserSeed(string name, string password)
{
    public string Name { get; } = name;

    public string Password { get; } = password;

    public override string ToString() => $"User seed '{Name}'";
}
