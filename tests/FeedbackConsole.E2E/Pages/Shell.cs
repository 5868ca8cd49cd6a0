using System.Text.RegularExpressions;
using FeedbackConsole.E2E.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FeedbackConsole.E2E.Pages;

/// <summary>The console around every interactive page: app bar, navigation drawer, theme toggle.</summary>
public sealed class Shell(BrowserSession session)
{
    private IPage Page => session.Page;

    public ILocator Navigation => Page.GetByRole(AriaRole.Complementary, new() { Name = "Main navigation" });

    public ILocator SwitchToDark => Page.GetByRole(AriaRole.Button, new() { Name = "Switch to dark theme" });

    public ILocator SwitchToLight => Page.GetByRole(AriaRole.Button, new() { Name = "Switch to light theme" });

    public ILocator ToggleNavigation => Page.GetByRole(AriaRole.Button, new() { Name = "Toggle navigation" });

    /// <summary>The greeting on Home: "Good morning, Ada".</summary>
    public ILocator Greeting(string firstName) =>
        Page.GetByRole(AriaRole.Heading, new() { Level = 1, NameRegex = new Regex($"^Good (morning|afternoon|evening), {Regex.Escape(firstName)}$") });

    public ILocator ForbiddenHeading => Page.GetByRole(AriaRole.Heading, new() { Name = "You don't have access to this page", Level = 1 });

    public ILocator NavLink(string title) => Navigation.GetByRole(AriaRole.Link, new() { Name = title, Exact = true });

    /// <summary>The CSS value of MudBlazor's page background, which differs between the light and dark palettes.</summary>
    public Task<string> PaletteBackgroundAsync() =>
        Page.EvaluateAsync<string>("() => getComputedStyle(document.documentElement).getPropertyValue('--mud-palette-background').trim()");

    /// <summary>Opens an interactive page by address (a fresh page load, so a new circuit).</summary>
    public async Task GotoAsync(string path) => await session.GotoInteractiveAsync(path);

    /// <summary>Follows a link in the drawer (client-side navigation inside the live circuit).</summary>
    public async Task<UsersPage> OpenUsersAsync()
    {
        await NavLink("Users").ClickAsync();
        var users = new UsersPage(session);
        await Expect(users.Heading).ToBeVisibleAsync();
        return users;
    }

    public async Task<ApplicationsPage> OpenApplicationsAsync()
    {
        await NavLink("Applications").ClickAsync();
        var applications = new ApplicationsPage(session);
        await Expect(applications.Heading).ToBeVisibleAsync();
        return applications;
    }

    public async Task ReloadAsync() => await session.RunAndWaitForCircuitAsync(() => Page.ReloadAsync());
}
