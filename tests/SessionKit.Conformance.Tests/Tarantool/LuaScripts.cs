namespace SessionKit.Conformance.Tests.Tarantool;

/// <summary>The Lua scripts embedded in this assembly (Tarantool/Lua/*.lua).</summary>
internal static class LuaScripts
{
    public static string Server => Read("server.lua");

    public static string Client => Read("client.lua");

    private static string Read(string name)
    {
        using var stream = typeof(LuaScripts).Assembly.GetManifestResourceStream("SessionKit.Conformance.Tests.Lua." + name)
            ?? throw new InvalidOperationException($"The embedded script {name} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
