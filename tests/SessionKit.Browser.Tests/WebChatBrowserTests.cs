using static Microsoft.Playwright.Assertions;

namespace SessionKit.Browser.Tests;

/// <summary>
/// Issue 15: the WebChat sample in headless Chromium. The page state is awaited with Playwright's retrying
/// expectations, the server state with the server's trigger and request probes; nothing sleeps. Screenshots of the
/// main states go to artifacts/test-results/screenshots.
/// </summary>
public sealed class WebChatBrowserTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncDisposable
{
    private readonly WebChatServer _server = new();

    [Fact]
    public async Task OpeningThePage_ListsItsSession_WithTypeWebsocket_AndTheSignedInUser()
    {
        var bob = await WebChatPage.SignInAsync(chromium.Browser, _server.Address, "bob", chromium.Screenshots);
        var id = await bob.ExpectOpenAsync();

        await Expect(bob.Row(id).Locator("td").Nth(1)).ToHaveTextAsync("bob");
        await Expect(bob.Row(id).Locator("td").Nth(2)).ToHaveTextAsync("websocket");
        await bob.ScreenshotAsync("open-page-session-listed");

        var session = _server.SessionOf(id);
        session.User.Name.Should().Be("bob");
        session.Type.Name.Should().Be("websocket");
        session.State.Should().Be(SessionState.Open);
    }

    [Fact]
    public async Task ClosingTheTab_DestroysItsSession()
    {
        var bob = await WebChatPage.SignInAsync(chromium.Browser, _server.Address, "bob", chromium.Screenshots);
        var id = await bob.ExpectOpenAsync();
        await bob.ScreenshotAsync("close-tab-before");

        await bob.Page.CloseAsync();

        await _server.SocketsEnded(1);
        _server.Disconnected(id).Should().BeTrue();
        _server.SessionOf(id).State.Should().Be(SessionState.Destroyed);
        _server.Sessions.Count.Should().Be(0);
    }

    [Fact]
    public async Task Reloading_DestroysTheOldSession_AndCreatesANewOne()
    {
        var bob = await WebChatPage.SignInAsync(chromium.Browser, _server.Address, "bob", chromium.Screenshots);
        var old = await bob.ExpectOpenAsync();

        await bob.Page.ReloadAsync();

        await Expect(bob.MySession).Not.ToHaveTextAsync(old.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var fresh = await bob.ExpectOpenAsync();
        await Expect(bob.Row(fresh)).ToBeVisibleAsync();
        await Expect(bob.Row(old)).ToHaveCountAsync(0);
        await bob.ScreenshotAsync("reload-new-session");
        await _server.SocketsEnded(1);
        fresh.Should().BeGreaterThan(old);
        _server.SessionOf(old).State.Should().Be(SessionState.Destroyed);
        _server.SessionOf(fresh).State.Should().Be(SessionState.Open);
    }

    [Fact]
    public async Task TwoTabsBindingTheSameResource_UnderKickOld_TheFirstTabShowsTheConflictClose()
    {
        var first = await WebChatPage.SignInAsync(chromium.Browser, _server.Address, "bob", chromium.Screenshots, "/?resource=main");
        var firstId = await first.ExpectOpenAsync();

        var second = await first.OpenTabAsync("/?resource=main");

        await Expect(first.Status).ToHaveTextAsync($"closed {SessionKit.AspNetCore.SessionWebSocketCloseStatus.Conflict} {SessionCloseReason.Replaced}");
        await first.ScreenshotAsync("conflict-first-tab-closed");
        await second.ScreenshotAsync("conflict-second-tab-open");
        await Expect(second.Status).ToHaveTextAsync("open");
        await _server.SocketsEnded(1);
        _server.ReasonOf(firstId).Should().Be(SessionCloseReason.Replaced);
    }

    [Fact]
    public async Task AnAdminKickingAUser_ThatUsersTabShowsTheReason()
    {
        var bob = await WebChatPage.SignInAsync(chromium.Browser, _server.Address, "bob", chromium.Screenshots);
        var bobId = await bob.ExpectOpenAsync();
        var alice = await WebChatPage.SignInAsync(chromium.Browser, _server.Address, "alice", chromium.Screenshots);
        await Expect(alice.Row(bobId).Locator("button.kick")).ToBeVisibleAsync();
        await alice.ScreenshotAsync("admin-before-kick");

        await alice.Row(bobId).Locator("button.kick").ClickAsync();

        await Expect(bob.Status).ToHaveTextAsync($"closed {SessionKit.AspNetCore.SessionWebSocketCloseStatus.PolicyViolation} {SessionCloseReason.Kicked}");
        await bob.ScreenshotAsync("kicked-user-tab");
        await Expect(alice.Row(bobId)).ToHaveCountAsync(0);
        await alice.ScreenshotAsync("admin-after-kick");
        _server.ReasonOf(bobId).Should().Be(SessionCloseReason.Kicked);
        await Expect(bob.Page.Locator("button.kick")).ToHaveCountAsync(0);
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();
}
