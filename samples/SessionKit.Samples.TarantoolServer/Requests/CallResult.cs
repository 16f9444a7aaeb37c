namespace SessionKit.Samples.TarantoolServer.Requests;

/// <summary>What a function of the call table gave: its results, or a Tarantool error code and message.</summary>
internal readonly record struct CallResult(object?[]? Values, uint ErrorCode, string? Error)
{
    public static CallResult Of(params object?[] values) => new(values, 0, null);

    public static CallResult Fail(uint code, string message) => new(null, code, message);
}
