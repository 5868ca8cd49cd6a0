using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Accounts;
using FeedbackConsole.E2E.Infrastructure;
using FeedbackConsole.E2E.Pages;
using FeedbackConsole.Tests.Shared;
using FeedbackConsole.Tests.Shared.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace FeedbackConsole.E2E.Scenarios;

[Collection(BrowserTestGroup.Name)]
public sealed class ShellTests(BrowserFixture browser)
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ThemeToggle_DarkChosen_KeptAfterReloadAndOnAnotherDevice(string provider)
    {
        await using var app = await ConsoleServer.StartAsync(provider);
        await using var session = await browser.NewSessionAsync(app);
        var login = new LoginPage(session);
        await login.GotoAsync();
        var shell = await login.SignInAsync(ConsoleAppFactory.AdminEmail, ConsoleAppFactory.AdminPassword);
        await Expect(shell.Greeting("Administrator")).ToBeVisibleAsync();
        var light = await shell.PaletteBackgroundAsync();

        await shell.SwitchToDark.ClickAsync();
        await Expect(shell.SwitchToLight).ToBeVisibleAsync();
        var dark = await shell.PaletteBackgroundAsync();
        Assert.NotEqual(light, dark);
        await WaitUntilSavedAsync(app, ConsoleAppFactory.AdminEmail, prefersDark: true);

        await shell.ReloadAsync();
        await Expect(shell.SwitchToLight).ToBeVisibleAsync();
        Assert.Equal(dark, await shell.PaletteBackgroundAsync());
        await Expect(shell.Greeting("Administrator")).ToBeVisibleAsync();
        await session.ScreenshotAsync("09-home-dark");

        // Remembered per person, not per browser: a second device opens dark too.
        await using var otherDevice = await browser.NewSessionAsync(app);
        var otherLogin = new LoginPage(otherDevice);
        await otherLogin.GotoAsync();
        var otherShell = await otherLogin.SignInAsync(ConsoleAppFactory.AdminEmail, ConsoleAppFactory.AdminPassword);
        await Expect(otherShell.SwitchToLight).ToBeVisibleAsync();
        Assert.Equal(dark, await otherShell.PaletteBackgroundAsync());
    }

    [Fact]
    public async Task Home_OnPhoneWidth_FitsAndOpensNavigationFromMenu()
    {
        await using var app = await ConsoleServer.StartAsync(TestDatabase.Sqlite);
        await using var phone = await browser.NewSessionAsync(app, width: 390, height: 844);
        var login = new LoginPage(phone);
        await login.GotoAsync();
        await phone.ScreenshotAsync("10-sign-in-mobile");
        var shell = await login.SignInAsync(ConsoleAppFactory.AdminEmail, ConsoleAppFactory.AdminPassword);
        await Expect(shell.Greeting("Administrator")).ToBeVisibleAsync();
        await Expect(shell.ToggleNavigation).ToBeVisibleAsync();

        var overflow = await phone.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"Home is {overflow}px wider than a 390px phone screen.");
        await phone.ScreenshotAsync("11-home-mobile");

        // The drawer is closed on a phone; the menu button opens it.
        await Expect(shell.NavLink("Users")).Not.ToBeInViewportAsync();
        await shell.ToggleNavigation.ClickAsync();
        await Expect(shell.NavLink("Users")).ToBeInViewportAsync();
        await phone.ScreenshotAsync("11b-navigation-mobile", fullPage: false);

        Assert.Empty(phone.PageErrors);
    }

    /// <summary>
    /// The toggle repaints before its save finishes (Blazor renders at the handler's first await), so a reload
    /// straight after the click could race the write. Wait for the stored value itself, not for time.
    /// </summary>
    private static async Task WaitUntilSavedAsync(ConsoleServer app, string email, bool prefersDark)
    {
        var token = TestContext.Current.CancellationToken;
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email);
        Assert.NotNull(user);
        var preferences = scope.ServiceProvider.GetRequiredService<UserPreferences>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(token);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        while (await preferences.GetDarkModeAsync(user.Id, token) != prefersDark)
        {
            await Task.Delay(50, deadline.Token);
        }
    }
}
