using FeedbackConsole.Core.Domain;
using FeedbackConsole.E2E.Infrastructure;
using FeedbackConsole.E2E.Pages;
using FeedbackConsole.Tests.Shared;
using static Microsoft.Playwright.Assertions;

namespace FeedbackConsole.E2E.Scenarios;

[Collection(BrowserTestGroup.Name)]
public sealed class SignInTests(BrowserFixture browser)
{
    private const string Email = "lee.locked@example.test";
    private const string Password = "lee knows the right passphrase";

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SignIn_FiveWrongPasswords_LocksTheAccountEvenForTheRightPassword(string provider)
    {
        await using var app = await ConsoleServer.StartAsync(provider);
        await app.Factory.CreateUserAsync(Email, Password, Roles.Reviewer);
        await using var session = await browser.NewSessionAsync(app);
        var login = new LoginPage(session);
        var lockout = new LockoutPage(session.Page);

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            await login.GotoAsync();
            var message = await login.SignInExpectingErrorAsync(Email, $"not the password, try {attempt}");
            Assert.Contains("do not match", message, StringComparison.Ordinal);
        }

        await login.GotoAsync();
        await login.SubmitAsync(Email, "not the password, try 5");
        await Expect(lockout.Heading).ToBeVisibleAsync();
        await session.ScreenshotAsync("13-locked-out");

        // The lockout is real: the right password is refused too.
        await login.GotoAsync();
        await login.SubmitAsync(Email, Password);
        await Expect(lockout.Heading).ToBeVisibleAsync();
    }
}
