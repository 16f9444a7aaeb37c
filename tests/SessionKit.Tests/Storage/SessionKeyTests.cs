namespace SessionKit.Tests.Storage;

/// <summary>SessionKey: a diagnostic name and identity semantics.</summary>
public sealed class SessionKeyTests
{
    [Fact]
    public void Constructor_ValidName_KeepsItForDiagnostics()
    {
        var key = new SessionKey<int>("retries");

        key.Name.Should().Be("retries");
        key.ToString().Should().Be("retries");
    }

    [Fact]
    public void Keys_WithTheSameName_AreNotEqual()
    {
        var first = new SessionKey<int>("same");
        var second = new SessionKey<int>("same");

        first.Should().NotBe(second);
        first.Equals(second).Should().BeFalse();
    }

    [Fact]
    public void Constructor_Null_ThrowsArgumentNull()
    {
        var act = () => new SessionKey<string>(null!);

        act.Should().ThrowExactly<ArgumentNullException>().Which.ParamName.Should().Be("name");
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t\r\n")]
    public void Constructor_EmptyOrWhitespace_ThrowsArgumentException(string name)
    {
        var act = () => new SessionKey<string>(name);

        act.Should().ThrowExactly<ArgumentException>().Which.ParamName.Should().Be("name");
    }
}
