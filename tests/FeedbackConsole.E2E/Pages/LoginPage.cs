using FeedbackConsole.E2E.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FeedbackConsole.E2E.Pages;

/// <summary>/Account/Login: a static server-rendered form (no circuit).</summary>
public sealed class LoginPage(BrowserSession session)
{
    public const string Path = "/Account/Login";

    private IPage Page => session.Page;

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in", Level = 1 });

    public ILocator Email => Page.GetByLabel("Email", new() { Exact = true });

    public ILocator Password => Page.GetByLabel("Password", new() { Exact = true });

    public ILocator SignInButton => Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true });

    public ILocator Alert => Page.GetByRole(AriaRole.Alert);

    public async Task GotoAsync()
    {
        await session.GotoStaticAsync(Path);
        await Expect(Heading).ToBeVisibleAsync();
    }

    /// <summary>Signs in with a personal password and lands on an interactive console page, circuit live.</summary>
    public async Task<Shell> SignInAsync(string email, string password)
    {
        await FillAsync(email, password);
        await session.RunAndWaitForCircuitAsync(() => SignInButton.ClickAsync());
        return new Shell(session);
    }

    /// <summary>Signs in with a one-time password, which leads to choosing a new one.</summary>
    public async Task<SetPasswordPage> SignInWithOneTimePasswordAsync(string email, string oneTimePassword)
    {
        await FillAsync(email, oneTimePassword);
        await SignInButton.ClickAsync();
        var next = new SetPasswordPage(session);
        await Expect(next.Heading).ToBeVisibleAsync();
        return next;
    }

    /// <summary>
    /// Submits credentials that are refused and returns the message shown. Start from a freshly loaded sign-in
    /// page: it has no message, so the one we read can only come from this submission.
    /// </summary>
    public async Task<string> SignInExpectingErrorAsync(string email, string password)
    {
        await Expect(Alert).ToHaveCountAsync(0);
        await FillAsync(email, password);
        await SignInButton.ClickAsync();
        await Expect(Alert).ToBeVisibleAsync();
        return (await Alert.InnerTextAsync()).Trim();
    }

    /// <summary>Submits credentials without expecting any particular outcome.</summary>
    public async Task SubmitAsync(string email, string password)
    {
        await FillAsync(email, password);
        await SignInButton.ClickAsync();
    }

    private async Task FillAsync(string email, string password)
    {
        await Email.FillAsync(email);
        await Password.FillAsync(password);
    }
}
