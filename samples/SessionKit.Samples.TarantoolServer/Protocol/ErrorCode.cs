namespace SessionKit.Samples.TarantoolServer.Protocol;

/// <summary>Tarantool error codes this server replies with (2.6 <c>src/box/errcode.h</c>).</summary>
internal static class ErrorCode
{
    public const uint InvalidMsgPack = 20;
    public const uint ProcLua = 32;
    public const uint NoSuchProc = 33;
    public const uint NoSuchSpace = 36;
    public const uint AccessDenied = 42;
    public const uint NoSuchUser = 45;
    public const uint CredentialsMismatch = 47;
    public const uint UnknownRequestType = 48;
    public const uint MissingRequestField = 69;
}
