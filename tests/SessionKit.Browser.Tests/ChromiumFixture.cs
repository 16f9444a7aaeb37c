using System.Reflection;
using Microsoft.Playwright;

namespace SessionKit.Browser.Tests;

/// <summary>
/// One headless Debian Chromium for the test class, driven by Playwright: <c>/usr/bin/chromium</c> with
/// <c>--no-sandbox</c> (the tests run as root on CI). Playwright's own browser download is never used.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser did not start.");

    /// <summary>Gets the folder screenshots go to: artifacts/test-results/screenshots under the repository root.</summary>
    public string Screenshots { get; } = Path.Combine(
        typeof(ChromiumFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!,
        "artifacts",
        "test-results",
        "screenshots");

    public async ValueTask InitializeAsync()
    {
        File.Exists(ChromiumPath).Should().BeTrue($"Debian's Chromium is expected at {ChromiumPath} (test.sh installs it: apt-get install -y chromium)");
        Directory.CreateDirectory(Screenshots);

        // The expectations retry until the page shows the state; a loaded machine only makes them wait longer.
        Assertions.SetDefaultExpectTimeout(60_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}
