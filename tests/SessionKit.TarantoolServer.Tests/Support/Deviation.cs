namespace SessionKit.TarantoolServer.Tests.Support;

/// <summary>
/// A documented difference between the sample and Tarantool 2.6 for one output key: what Tarantool prints (exactly,
/// or as a prefix when the rest is Tarantool's own data) and what the sample prints. <see cref="Id"/> names the row of
/// docs/tarantool-server.md that explains it.
/// </summary>
internal sealed record Deviation(string Id, string Key, string Tarantool, string Sample, bool TarantoolIsPrefix = false)
{
    public bool MatchesTarantool(string value) =>
        TarantoolIsPrefix ? value.StartsWith(Tarantool, StringComparison.Ordinal) : value == Tarantool;
}
