using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.Internal.Bounds;

/// <summary>
/// Issue 12, names: user names reject control characters, lone surrogates, '@' and '/' (the refused side is in the
/// reliability bad-input table for every entry point); they are not normalised; the length bounds are the manager's
/// options; host names compare case-insensitively in the index, presence, routing and shared storage.
/// </summary>
public sealed class NameRulesTests
{
    [Fact]
    public void UserNames_AreNotNormalised_AndMayHoldAnyValidUnicode()
    {
        var users = new InMemoryUserDirectory();
        var composed = users.AddUser("caf\u00e9", "pw");
        var decomposed = users.AddUser("cafe\u0301", "pw");
        var emoji = users.AddUser("\U0001F600-fan", "pw");
        var dotted = users.AddUser("alice.smith+tag", "pw");

        composed.Id.Should().NotBe(decomposed.Id, "NFC and NFD spellings are two names: SessionKit does not normalise");
        users.TryFindUser("\U0001F600-fan", out var found).Should().BeTrue();
        found.Should().Be(emoji);
        dotted.Name.Should().Be("alice.smith+tag");
        users.Users.Where(u => u.Id < 32).Select(u => u.Name).Should().BeEquivalentTo(["guest", "admin"], "only guest and admin hold ids below 32, so no added user takes the reserved ids 0 and 1");
    }

    [Theory]
    [InlineData("at")]
    [InlineData("slash")]
    public void AUserName_WithAnAddressSeparator_IsRefused_WithTheRule(string which)
    {
        var name = which == "at" ? "alice@example.com" : "alice/phone";

        var act = () => new InMemoryUserDirectory().AddUser(name, "pw");

        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain("'@' or '/'").And.NotContain(name);
    }

    [Fact]
    public async Task TheUserNameBound_IsTheManagersOption_AllowedUpToIt_RefusedBeyond()
    {
        var users = new FastUserDirectory();
        var longName = new string('u', 300);
        users.Add(longName);
        await using var m = new SessionManager(new SessionManagerOptions { MaxUserNameLength = 300 }, users);
        var session = await m.ConnectAsync(SessionType.Binary);

        (await m.AuthenticateAsync(session, longName, "secret")).Name.Should().Be(longName);
        var refused = await Record.ExceptionAsync(() => m.AuthenticateAsync(session, longName + "u", "secret").AsTask());

        refused.Should().BeOfType<ArgumentException>().Which.Message.Should().Contain("at most 300 characters");
        session.User.Name.Should().Be(longName);
    }

    [Fact]
    public async Task TheResourceAndHostBounds_AreTheManagersOptions()
    {
        var users = new FastUserDirectory();
        users.Add("alice");
        await using var m = new SessionManager(new SessionManagerOptions { MaxResourceLength = 4, MaxHostLength = 5 }, users);
        var session = await m.ConnectAsync(new ConnectOptions { User = "alice", Host = "a.com" });

        (await m.Users.BindResourceAsync(session, "home")).Should().Be("home");
        m.Invoking(x => x.Users.FindResource("alice", "homes", "a.com")).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("resource");
        var host = await Record.ExceptionAsync(() => m.ConnectAsync(new ConnectOptions { Host = "ab.com" }).AsTask());
        host.Should().BeOfType<ArgumentException>().Which.Message.Should().Contain("ConnectOptions.Host").And.Contain("at most 5");
    }

    [Fact]
    public async Task ThePeerBound_IsTheManagersOption_AndAnOrdinaryPeerPasses()
    {
        await using var m = new SessionManager(new SessionManagerOptions { MaxPeerLength = 14 }, new FastUserDirectory());

        var ok = await m.ConnectAsync(SessionType.Binary, new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 5000));
        var refused = await Record.ExceptionAsync(() => m.ConnectAsync(SessionType.Binary, new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 50000)).AsTask());

        ok.Peer.Should().Be("127.0.0.1:5000");
        refused.Should().BeOfType<ArgumentException>().Which.Message.Should().Contain("SessionManagerOptions.MaxPeerLength").And.NotContain("127.0.0.1");
        m.Count.Should().Be(1, "a refused peer registers nothing");
    }

    [Fact]
    public async Task HostNames_CompareCaseInsensitively_UserNamesDoNot()
    {
        await using var h = new Host();
        var (first, _) = await h.ConnectAsync("alice", "Example.COM");
        var (second, _) = await h.ConnectAsync("alice", "example.com");
        await h.Manager.Users.BindResourceAsync(first, "phone");

        h.Manager.Users.SessionsOf("alice", "EXAMPLE.com").Should().BeEquivalentTo([first, second]);
        h.Manager.Users.IsOnline("alice", "example.COM").Should().BeTrue();
        h.Manager.Users.FindResource("alice", "phone", "example.com").Should().BeSameAs(first);
        h.Manager.Users.StorageOf("alice", "Example.com").Should().BeSameAs(h.Manager.Users.StorageOf("alice", "EXAMPLE.COM"));
        first.Host.Should().Be("Example.COM", "the host is kept as given");

        h.Manager.Users.SessionsOf("Alice", "example.com").Should().BeEmpty("user names are compared ordinally");
        h.Manager.Users.SessionsOf("alice", "example.org").Should().BeEmpty();
    }

    [Fact]
    public void AQuotedName_IsNeverCutInsideASurrogatePair()
    {
        // 63 letters, then a pair across the 64-character quote limit.
        var name = new string('a', 63) + "\U0001F600" + new string('b', 10);

        var quoted = SessionKit.Internal.Text.Truncate(name);

        SessionKit.Internal.Text.HasLoneSurrogate(quoted).Should().BeFalse("a quote goes into messages and logs, which must stay valid text");
        quoted.Should().Be(new string('a', 63) + "…");
    }

    private sealed class Host : ResourceTestBase
    {
        public new SessionManager Manager => base.Manager;

        public new Task<(Session Session, RecordingConnection Connection)> ConnectAsync(string? user = null, string? host = null) => base.ConnectAsync(user, host);
    }
}
