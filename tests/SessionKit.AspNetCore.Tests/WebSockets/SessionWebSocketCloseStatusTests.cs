using System.Net.WebSockets;
using System.Text;

namespace SessionKit.AspNetCore.Tests.WebSockets;

/// <summary>Issue 15: close reason → WebSocket close code and description.</summary>
public sealed class SessionWebSocketCloseStatusTests
{
    public static TheoryData<SessionCloseReason, int> Codes => new()
    {
        { SessionCloseReason.None, (int)WebSocketCloseStatus.NormalClosure },
        { SessionCloseReason.Replaced, 4001 },
        { SessionCloseReason.SystemShutdown, 4002 },
        { SessionCloseReason.Kicked, 4003 },
        { SessionCloseReason.SessionLimitReached, 4003 },
        { SessionCloseReason.AccountDeleted, 4004 },
        { SessionCloseReason.PasswordChanged, 4005 },
        { SessionCloseReason.IdleTimeout, 4006 },
        { new SessionCloseReason("something-else"), 4000 },
    };

    [Theory]
    [MemberData(nameof(Codes))]
    public void For_MapsTheCondition(SessionCloseReason reason, int code) =>
        ((int)SessionWebSocketCloseStatus.For(reason)).Should().Be(code);

    [Theory]
    [InlineData("abc", 3, "abc")]
    [InlineData("abcd", 3, "abc")]
    [InlineData("aé", 2, "a")]
    [InlineData("aé", 3, "aé")]
    [InlineData("a😀", 4, "a")]
    [InlineData("a😀", 5, "a😀")]
    [InlineData("", 0, "")]
    public void Truncate_KeepsWholeCharacters(string text, int bytes, string expected) =>
        SessionWebSocketCloseStatus.Truncate(text, bytes).Should().Be(expected);

    [Fact]
    public void Describe_FitsTheProtocolLimit()
    {
        var reason = new SessionCloseReason("policy-violation", new string('€', 100));

        var description = SessionWebSocketCloseStatus.Describe(reason);

        Encoding.UTF8.GetByteCount(description).Should().Be(123, "18 ASCII bytes and 35 three-byte characters fill it exactly");
        reason.ToString().Should().StartWith(description);
    }

    [Fact]
    public void ArgValidation()
    {
        FluentActions.Invoking(() => SessionWebSocketCloseStatus.For(null!)).Should().Throw<ArgumentNullException>().WithParameterName("reason");
        FluentActions.Invoking(() => SessionWebSocketCloseStatus.Describe(null!)).Should().Throw<ArgumentNullException>().WithParameterName("reason");
        FluentActions.Invoking(() => SessionWebSocketCloseStatus.Truncate(null!, 1)).Should().Throw<ArgumentNullException>().WithParameterName("text");
        FluentActions.Invoking(() => SessionWebSocketCloseStatus.Truncate("a", -1)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("maxBytes");
    }
}
