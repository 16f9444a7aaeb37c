namespace SessionKit.Tests.Users;

/// <summary>SessionUser: the built-in users, validation and equality by id.</summary>
public sealed class SessionUserTests
{
    [Fact]
    public void BuiltIns_AreGuestZeroAndAdminOne()
    {
        SessionUser.Guest.Id.Should().Be(0UL);
        SessionUser.Guest.Name.Should().Be("guest");
        SessionUser.Admin.Id.Should().Be(1UL);
        SessionUser.Admin.Name.Should().Be("admin");
    }

    [Fact]
    public void Equality_IsById()
    {
        var alice = new SessionUser(32, "alice");

        alice.Should().Be(new SessionUser(32, "alice"));
        alice.GetHashCode().Should().Be(new SessionUser(32, "alice").GetHashCode());
        alice.Should().NotBe(new SessionUser(33, "alice"));
        alice.Equals((object)"alice").Should().BeFalse();
        alice.Equals((SessionUser?)null).Should().BeFalse();
    }

    [Fact]
    public void ToString_IsTheNameOnly()
    {
        new SessionUser(40, "carol").ToString().Should().Be("carol");
    }

    [Fact]
    public void Constructor_NullName_ThrowsArgumentNull()
    {
        var act = () => new SessionUser(5, null!);

        act.Should().ThrowExactly<ArgumentNullException>().Which.ParamName.Should().Be("name");
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("whitespace")]
    [InlineData("control")]
    [InlineData("newline")]
    [InlineData("too-long")]
    [InlineData("oversized")]
    public void Constructor_InvalidName_ThrowsArgumentException(string kind)
    {
        var name = kind switch
        {
            "empty" => string.Empty,
            "whitespace" => "  ",
            "control" => "al\u0000ice",
            "newline" => "alice\n",
            "too-long" => new string('a', SessionManagerOptions.NameLengthCeiling + 1),
            _ => new string('a', 64 * 1024),
        };

        var act = () => new SessionUser(5, name);

        var error = act.Should().ThrowExactly<ArgumentException>().Which;
        error.ParamName.Should().Be("name");
        error.Message.Length.Should().BeLessThan(300);
    }

    [Fact]
    public void Constructor_NameOf256Characters_IsAccepted()
    {
        new SessionUser(5, new string('a', 256)).Name.Should().HaveLength(256);
    }
}
