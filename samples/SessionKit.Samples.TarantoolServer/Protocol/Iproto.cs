namespace SessionKit.Samples.TarantoolServer.Protocol;

/// <summary>The iproto numbers this server uses (Tarantool 2.6 <c>src/box/iproto_constants.h</c> and <c>errcode.h</c>).</summary>
internal static class Iproto
{
    // Header and body keys.
    public const int RequestType = 0x00;
    public const int Sync = 0x01;
    public const int SchemaVersion = 0x05;
    public const int SpaceId = 0x10;
    public const int Tuple = 0x21;
    public const int FunctionName = 0x22;
    public const int UserName = 0x23;
    public const int Expression = 0x27;
    public const int Data = 0x30;
    public const int Error24 = 0x31;

    /// <summary>One past the last key Tarantool 2.6 knows (<c>IPROTO_KEY_MAX</c>, after <c>IPROTO_ERROR</c> 0x52).</summary>
    public const ulong KeyMax = 0x53;

    // Request and reply types.
    public const uint Ok = 0;
    public const uint Select = 1;
    public const uint Auth = 7;
    public const uint Eval = 8;
    public const uint Call = 10;
    public const uint Ping = 64;
    public const uint Chunk = 128;
    public const uint ErrorFlag = 0x8000;

    // The system views net.box 2.6 reads after connecting; this server has no spaces, so they are empty.
    public const uint VSpace = 281;
    public const uint VIndex = 289;
    public const uint VCollation = 277;

    /// <summary>The schema version every reply carries: net.box 2.6 reads it from each reply header and reloads the schema when it changes, so it never changes.</summary>
    public const ulong FixedSchemaVersion = 1;
}
