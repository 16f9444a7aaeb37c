using Microsoft.Extensions.Logging.Testing;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.Internal.Security;

/// <summary>
/// Issue 12, defect 8 and its class: text a client sends that is not valid UTF-16 (a lone surrogate) never escapes as
/// an encoder exception quoting the credential. In a password it is a failed authentication with the unified message,
/// <c>on_auth</c> runs as for any failure, and neither the exception nor any log holds the password.
/// </summary>
public sealed class CredentialTextTests
{
    private const string LoneHigh = "pa\uD800ss-secret";
    private const string LoneLow = "\uDC00tail-secret";

    // Attribute arguments are stored as UTF-8, which would turn a lone surrogate into U+FFFD: the theories take a
    // label and build the text at run time.
    [Theory]
    [InlineData("high")]
    [InlineData("low")]
    public async Task AuthenticateAsync_PasswordWithALoneSurrogate_FailsWithTheUnifiedMessage_AndRunsOnAuth(string which)
    {
        var password = which == "high" ? LoneHigh : LoneLow;
        var users = new InMemoryUserDirectory();
        users.AddUser("alice", "right");
        var logs = new FakeLoggerProvider();
        await using var m = new SessionManager(directory: users, loggerFactory: logs.CreateFactory());
        var seen = new List<(string User, bool Succeeded)>();
        m.OnAuth.Add(c => { seen.Add((c.UserName, c.Succeeded)); return default; });
        var session = await m.ConnectAsync(SessionType.Binary);

        var thrown = await Record.ExceptionAsync(() => m.AuthenticateAsync(session, "alice", password).AsTask());

        thrown.Should().BeOfType<AuthenticationFailedException>().Which.Message.Should().Be(AuthenticationFailedException.CredentialsMessage);
        seen.Should().Equal(("alice", false));
        session.User.Should().Be(SessionUser.Guest);
        session.IsClosed.Should().BeFalse();
        logs.Collector.GetSnapshot().Should().NotContain(r => r.Message.Contains("secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task VerifyAsync_PasswordWithALoneSurrogate_IsAFailedCheck_ForKnownAndUnknownUsers()
    {
        var users = new InMemoryUserDirectory();
        users.AddUser("alice", "right");

        (await users.VerifyAsync("alice", LoneHigh)).Should().BeNull();
        (await users.VerifyAsync("nobody", LoneHigh)).Should().BeNull();
        (await users.VerifyAsync("alice", "right")).Should().NotBeNull("a valid password still verifies");
    }

    [Theory]
    [InlineData("AddUser")]
    [InlineData("SetPassword")]
    public void SettingAPasswordWithALoneSurrogate_ThrowsNamingThePassword_WithoutQuotingIt(string call)
    {
        var users = new InMemoryUserDirectory();
        users.AddUser("alice", "right");

        var act = () =>
        {
            if (call == "AddUser")
            {
                users.AddUser("bob", LoneHigh);
            }
            else
            {
                users.SetPassword("alice", LoneHigh);
            }
        };

        var thrown = act.Should().Throw<ArgumentException>().Which;
        thrown.GetType().Should().Be<ArgumentException>();
        thrown.ParamName.Should().Be("password");
        thrown.Message.Should().NotContain("secret").And.NotContain("\uD800").And.Contain("surrogate");
        users.TryFindUser("bob", out _).Should().BeFalse("a refused AddUser adds nobody");
    }

    [Theory]
    [InlineData("high")]
    [InlineData("low")]
    public async Task AuthenticateAsync_UserNameWithALoneSurrogate_IsRefusedByTheNameRule_WithoutQuotingIt(string which)
    {
        var name = which == "high" ? "a\uD800b" : "\uDC00";
        await using var m = new SessionManager(directory: new FastUserDirectory());
        var session = await m.ConnectAsync(SessionType.Binary);

        var thrown = await Record.ExceptionAsync(() => m.AuthenticateAsync(session, name, "pw").AsTask());

        thrown.Should().BeOfType<ArgumentException>().Which.ParamName.Should().Be("userName");
        thrown!.Message.Should().Contain("surrogate").And.NotContain(name);
    }
}
