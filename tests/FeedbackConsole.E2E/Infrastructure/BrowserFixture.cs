using FeedbackConsole.Tests.Shared;
using Microsoft.Playwright;

namespace FeedbackConsole.E2E.Infrastructure;

/// <summary>
/// One Debian chromium for every browser test (the test classes share <see cref="BrowserTestGroup"/>); each
/// person in a test gets their own <see cref="BrowserSession"/>, so cookies never leak between them.
/// Playwright's own browser download cannot work on our machines, hence the explicit executable.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            // Reported per test (fail under CI, skip elsewhere) rather than as a fixture crash.
            return;
        }

        // Assertions wait up to 15 s (Playwright's default is 5): on two shared cores the other test projects run
        // alongside, and a slow render is not a failure. Nothing here polls for longer than it has to.
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    /// <summary>
    /// A fresh browser context (its own cookies) with one page, pointed at <paramref name="app"/>; in
    /// <paramref name="timezoneId"/> ("Asia/Tokyo") when given, else the machine's zone.
    /// </summary>
    public async Task<BrowserSession> NewSessionAsync(ConsoleServer app, int width = 1440, int height = 900, string? timezoneId = null)
    {
        if (_browser is null)
        {
            var reason = $"The browser tests need Debian's chromium at {ChromiumPath} (apt-get install -y chromium).";
            if (TestDatabase.IsCi)
            {
                Assert.Fail("CI=true but chromium is missing: " + reason);
            }

            Assert.Skip(reason);
        }

        var context = await _browser.NewContextAsync(new()
        {
            BaseURL = app.Address.ToString(),
            ViewportSize = new() { Width = width, Height = height },
            // Deterministic first paint: with no saved preference the console follows the browser's scheme.
            ColorScheme = ColorScheme.Light,
            Locale = "en-GB",
            TimezoneId = timezoneId,
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        return new BrowserSession(context, page);
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

/// <summary>The browser tests run one after another in one group, sharing one chromium.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserTestGroup : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
