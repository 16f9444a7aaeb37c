namespace SessionKit.Tests;

/// <summary>SessionType: the well-known Tarantool types (§2.7), custom names and their validation.</summary>
public sealed class SessionTypeTests
{
    [Fact]
    public void WellKnownTypes_HaveTarantoolsNames()
    {
        SessionType.Binary.Name.Should().Be("binary");
        SessionType.Console.Name.Should().Be("console");
        SessionType.Repl.Name.Should().Be("repl");
        SessionType.Applier.Name.Should().Be("applier");
        SessionType.Background.Name.Should().Be("background");
    }

    [Fact]
    public void Default_IsBackground()
    {
        var type = default(SessionType);

        type.Should().Be(SessionType.Background);
        type.Name.Should().Be("background");
        type.ToString().Should().Be("background");
        type.GetHashCode().Should().Be(SessionType.Background.GetHashCode());
    }

    [Theory]
    [InlineData("c2s")]
    [InlineData("c2s_unauthed")]
    [InlineData("s2s-in")]
    [InlineData("ws.v2")]
    [InlineData("X")]
    public void Constructor_ValidCustomName_IsKept(string name)
    {
        var type = new SessionType(name);

        type.Name.Should().Be(name);
        type.ToString().Should().Be(name);
        SessionType.TryCreate(name, out var created).Should().BeTrue();
        created.Should().Be(type);
    }

    [Fact]
    public void Constructor_NameOfMaxLength_IsAccepted()
    {
        var name = "a" + new string('b', SessionType.MaxLength - 1);

        new SessionType(name).Name.Should().HaveLength(SessionType.MaxLength);
    }

    [Fact]
    public void Constructor_Null_ThrowsArgumentNull()
    {
        var act = () => new SessionType(null!);

        act.Should().ThrowExactly<ArgumentNullException>().Which.ParamName.Should().Be("name");
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("whitespace")]
    [InlineData("leading-digit")]
    [InlineData("leading-space")]
    [InlineData("inner-space")]
    [InlineData("control")]
    [InlineData("non-ascii")]
    [InlineData("one-too-long")]
    [InlineData("oversized")]
    public void Constructor_InvalidName_ThrowsArgumentExceptionWithShortMessage(string kind)
    {
        var name = BadName(kind);

        var act = () => new SessionType(name);

        var error = act.Should().ThrowExactly<ArgumentException>().Which;
        error.ParamName.Should().Be("name");
        error.Message.Length.Should().BeLessThan(300, "a 64 KiB name never becomes a 64 KiB message");
        SessionType.TryCreate(name, out var type).Should().BeFalse();
        type.Should().Be(default(SessionType));
    }

    [Fact]
    public void TryCreate_Null_ReturnsFalse()
    {
        SessionType.TryCreate(null, out var type).Should().BeFalse();
        type.Should().Be(SessionType.Background);
    }

    [Fact]
    public void Equality_IsOrdinalAndCaseSensitive()
    {
        var lower = new SessionType("c2s");
        var same = new SessionType("c2s");
        var upper = new SessionType("C2S");

        (lower == same).Should().BeTrue();
        (lower != same).Should().BeFalse();
        lower.Equals((object)same).Should().BeTrue();
        lower.GetHashCode().Should().Be(same.GetHashCode());
        (lower == upper).Should().BeFalse();
        (lower != upper).Should().BeTrue();
        lower.Equals("c2s").Should().BeFalse("a string is not a SessionType");
        new SessionType("binary").Should().Be(SessionType.Binary);
    }

    [Fact]
    public void SessionType_WorksAsADictionaryKey()
    {
        var counts = new Dictionary<SessionType, int> { [SessionType.Binary] = 1, [new SessionType("c2s")] = 2 };

        counts[new SessionType("binary")].Should().Be(1);
        counts[new SessionType("c2s")].Should().Be(2);
        counts.ContainsKey(default).Should().BeFalse();
    }

    private static string BadName(string kind) => kind switch
    {
        "empty" => string.Empty,
        "whitespace" => "   ",
        "leading-digit" => "2fa",
        "leading-space" => " c2s",
        "inner-space" => "c2s unauthed",
        "control" => "c2s\u0001",
        "non-ascii" => "sessión",
        "one-too-long" => new string('a', SessionType.MaxLength + 1),
        "oversized" => new string('a', 64 * 1024),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
