using FeedbackConsole.E2E.Infrastructure;
using FeedbackConsole.E2E.Pages;
using FeedbackConsole.Tests.Shared;
using FeedbackConsole.Tests.Shared.Web;
using static Microsoft.Playwright.Assertions;

namespace FeedbackConsole.E2E.Scenarios;

/// <summary>The foundation's browser scenario: an admin brings in a Reviewer, and later takes their access away.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class PeopleScenarioTests(BrowserFixture browser)
{
    private const string ReviewerEmail = "riley.reviewer@example.test";
    private const string ReviewerName = "Riley Reviewer";
    private const string ReviewerPassword = "riley picks four unrelated words";

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AdminCreatesReviewerThenDisablesThem_ReviewerSeesOnlyReviewerPagesThenLosesOpenSession(string provider)
    {
        await using var app = await ConsoleServer.StartAsync(provider);
        await using var admin = await browser.NewSessionAsync(app);
        await using var reviewer = await browser.NewSessionAsync(app);

        // The admin signs in and adds a Reviewer.
        var adminLogin = new LoginPage(admin);
        await adminLogin.GotoAsync();
        await admin.ScreenshotAsync("01-sign-in");
        var adminShell = await adminLogin.SignInAsync(ConsoleAppFactory.AdminEmail, ConsoleAppFactory.AdminPassword);
        await Expect(adminShell.Greeting("Administrator")).ToBeVisibleAsync();
        await Expect(adminShell.NavLink("Users")).ToBeVisibleAsync();
        await admin.ScreenshotAsync("03-admin-home");

        var users = await adminShell.OpenUsersAsync();
        await Expect(users.Row("Administrator")).ToContainTextAsync(ConsoleAppFactory.AdminEmail);
        await admin.ScreenshotAsync("04-users");

        var create = await users.OpenAddPersonAsync();
        await Expect(create.Email).ToBeFocusedAsync();
        await Expect(create.Root.GetByText("Enter an email address.")).ToHaveCountAsync(0);
        await create.FillAsync(ReviewerEmail, ReviewerName);
        await Expect(create.Role("Reviewer")).ToBeCheckedAsync();
        await Expect(create.Role("Admin")).Not.ToBeCheckedAsync();
        await Expect(create.Role("Lead")).Not.ToBeCheckedAsync();
        await admin.ScreenshotAsync("05-create-user-dialog");

        var passwordDialog = await create.CreateAsync(ReviewerName);
        var oneTimePassword = await passwordDialog.ReadPasswordAsync();
        Assert.False(string.IsNullOrWhiteSpace(oneTimePassword), "The dialog shows no one-time password.");
        await admin.ScreenshotAsync("06-one-time-password-dialog");
        await passwordDialog.DoneAsync();
        await Expect(users.Row(ReviewerName)).ToContainTextAsync("Awaiting first sign-in");

        // In a browser of their own, the Reviewer signs in with it and must choose a password.
        var reviewerLogin = new LoginPage(reviewer);
        await reviewerLogin.GotoAsync();
        var setPassword = await reviewerLogin.SignInWithOneTimePasswordAsync(ReviewerEmail, oneTimePassword);
        await reviewer.ScreenshotAsync("02-set-password");
        var reviewerShell = await setPassword.ChooseAsync(ReviewerPassword);

        // A reviewer's console: Home, and no administration.
        await Expect(reviewerShell.Greeting("Riley")).ToBeVisibleAsync();
        await Expect(reviewerShell.NavLink("Home")).ToBeVisibleAsync();
        await Expect(reviewerShell.NavLink("Users")).ToHaveCountAsync(0);
        await Expect(reviewerShell.Navigation).Not.ToContainTextAsync("Administration");
        await reviewer.ScreenshotAsync("07-reviewer-home");

        // Typing the address: the server refuses the page and shows the access-denied page (static, no circuit).
        await reviewer.GotoStaticAsync(UsersPage.Path);
        await Expect(reviewerShell.ForbiddenHeading).ToBeVisibleAsync();
        await Expect(new UsersPage(reviewer).AddPersonButton).ToHaveCountAsync(0);
        await reviewer.ScreenshotAsync("08-forbidden");

        // The Reviewer keeps Home open (a live circuit) while the admin disables them.
        await reviewerShell.GotoAsync("/");
        await Expect(reviewerShell.Greeting("Riley")).ToBeVisibleAsync();
        await users.DisableAsync(ReviewerName);

        // The open session is revalidated every 2 s in tests and sent to the sign-in page.
        await reviewer.Page.WaitForURLAsync("**/Account/Login**", new() { Timeout = 15_000 });
        await Expect(reviewerLogin.Heading).ToBeVisibleAsync();

        // Signing in again is refused, with a reason.
        var message = await reviewerLogin.SignInExpectingErrorAsync(ReviewerEmail, ReviewerPassword);
        Assert.Contains("disabled", message, StringComparison.OrdinalIgnoreCase);
        await reviewer.ScreenshotAsync("12-sign-in-disabled");

        // And the old session cookie opens nothing either.
        await reviewer.GotoStaticAsync("/");
        await Expect(reviewerLogin.Heading).ToBeVisibleAsync();

        Assert.Empty(admin.PageErrors);
        Assert.Empty(reviewer.PageErrors);
    }
}
