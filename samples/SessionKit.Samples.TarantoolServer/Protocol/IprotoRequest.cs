namespace SessionKit.Samples.TarantoolServer.Protocol;

/// <summary>One decoded request: the header's type and sync, and the body fields this server reads.</summary>
/// <remarks>Decoded completely before the handler starts, so the read buffer can move on while the request runs.</remarks>
internal sealed class IprotoRequest
{
    public uint Type { get; init; }

    public ulong Sync { get; init; }

    public uint? SpaceId { get; init; }

    public string? FunctionName { get; init; }

    public string? Expression { get; init; }

    public string? UserName { get; init; }

    /// <summary>Gets the raw MessagePack array of <c>IPROTO_TUPLE</c> (call arguments, the AUTH tuple), or null.</summary>
    public byte[]? Tuple { get; init; }

    /// <summary>Gets why the body could not be decoded, or null when it could: the request then gets an error reply.</summary>
    public string? BodyError { get; init; }

    /// <summary>Gets the Tarantool error code of <see cref="BodyError"/>.</summary>
    public uint BodyErrorCode { get; init; } = ErrorCode.InvalidMsgPack;
}
