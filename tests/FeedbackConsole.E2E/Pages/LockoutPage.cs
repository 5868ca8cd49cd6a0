using Microsoft.Playwright;

namespace FeedbackConsole.E2E.Pages;

/// <summary>/Account/Lockout: where sign-in sends a locked-out account.</summary>
public sealed class LockoutPage(IPage page)
{
    public ILocator Heading => page.GetByRole(AriaRole.Heading, new() { Name = "Account locked for now", Level = 1 });
}
