using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace SessionKit.Browser.Tests;

/// <summary>A signed-in WebChat tab: what the tests read and click on the page.</summary>
internal sealed class WebChatPage(IPage page, string screenshots)
{
    public IPage Page => page;

    public ILocator Status => page.Locator("#status");

    public ILocator MySession => page.Locator("#my-session");

    /// <summary>Signs in as <paramref name="user"/> in a new browser context (its own cookie jar) and opens <paramref name="path"/>.</summary>
    public static async Task<WebChatPage> SignInAsync(IBrowser browser, Uri address, string user, string screenshots, string path = "/")
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = address.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.Locator("#name").FillAsync(user);
        await page.Locator("#sign-in").ClickAsync();
        await Expect(page.Locator("#me")).ToHaveTextAsync(user);
        var chat = new WebChatPage(page, screenshots);
        if (path != "/")
        {
            await page.GotoAsync(path);
        }

        await chat.ExpectOpenAsync();
        return chat;
    }

    /// <summary>Opens another tab in the same browser context (same signed-in user).</summary>
    public async Task<WebChatPage> OpenTabAsync(string path)
    {
        var tab = await page.Context.NewPageAsync();
        await tab.GotoAsync(path);
        var chat = new WebChatPage(tab, screenshots);
        await chat.ExpectOpenAsync();
        return chat;
    }

    /// <summary>Waits for the socket to be open and the welcome to name the session; returns its id.</summary>
    public async Task<ulong> ExpectOpenAsync()
    {
        await Expect(Status).ToHaveTextAsync("open");
        await Expect(MySession).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9]+$"));
        return ulong.Parse(await MySession.TextContentAsync() ?? "0", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The row of session <paramref name="id"/> in the page's session list.</summary>
    public ILocator Row(ulong id) => page.Locator($"#sessions tr[data-session='{id}']");

    public Task ScreenshotAsync(string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, name + ".png"), FullPage = true });
}
