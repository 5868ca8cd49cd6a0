using FeedbackConsole.E2E.Infrastructure;
using Microsoft.Playwright;

namespace FeedbackConsole.E2E.Pages;

/// <summary>/Account/SetPassword: shown once, after signing in with a one-time password (static, no circuit).</summary>
public sealed class SetPasswordPage(BrowserSession session)
{
    private IPage Page => session.Page;

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Choose your password", Level = 1 });

    public ILocator NewPassword => Page.GetByLabel("New password", new() { Exact = true });

    public ILocator ConfirmPassword => Page.GetByLabel("Confirm new password", new() { Exact = true });

    public ILocator SaveButton => Page.GetByRole(AriaRole.Button, new() { Name = "Save password and continue" });

    /// <summary>Chooses the password and lands in the console, circuit live.</summary>
    public async Task<Shell> ChooseAsync(string password)
    {
        await NewPassword.FillAsync(password);
        await ConfirmPassword.FillAsync(password);
        await session.RunAndWaitForCircuitAsync(() => SaveButton.ClickAsync());
        return new Shell(session);
    }
}
