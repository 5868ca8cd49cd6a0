using FeedbackConsole.Core.Domain;
using FeedbackConsole.E2E.Infrastructure;
using FeedbackConsole.E2E.Pages;
using FeedbackConsole.Tests.Shared;
using FeedbackConsole.Tests.Shared.Web;
using static Microsoft.Playwright.Assertions;

namespace FeedbackConsole.E2E.Scenarios;

[Collection(BrowserTestGroup.Name)]
public sealed class UsersPageTests(BrowserFixture browser)
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Search_ByNameRoleOrEmail_ShowsOnlyMatchingPeople(string provider)
    {
        await using var app = await ConsoleServer.StartAsync(provider);
        await app.Factory.CreateUserAsync("ada.lovelace@example.test", "ada has a long passphrase", Roles.Lead);
        await app.Factory.CreateUserAsync("grace.hopper@example.test", "grace has a long passphrase", Roles.Reviewer);
        await app.Factory.CreateUserAsync("linus.t@example.org", "linus has a long passphrase", Roles.Reviewer);
        await using var session = await browser.NewSessionAsync(app);
        var login = new LoginPage(session);
        await login.GotoAsync();
        var shell = await login.SignInAsync(ConsoleAppFactory.AdminEmail, ConsoleAppFactory.AdminPassword);
        var users = await shell.OpenUsersAsync();
        await Expect(users.PersonRows).ToHaveCountAsync(4);
        await Expect(users.CountLabel).ToHaveTextAsync("4 people");

        await users.SearchAsync("grace");
        await Expect(users.PersonRows).ToHaveCountAsync(1);
        await Expect(users.CountLabel).ToHaveTextAsync("1 of 4 people");
        await Expect(users.Row("grace.hopper")).ToBeVisibleAsync();

        await users.SearchAsync("lead");
        await Expect(users.PersonRows).ToHaveCountAsync(1);
        await Expect(users.Row("ada.lovelace")).ToBeVisibleAsync();

        await users.SearchAsync("example.test");
        await Expect(users.PersonRows).ToHaveCountAsync(3);
        await Expect(users.Row("linus.t")).ToHaveCountAsync(0);

        await users.SearchAsync("nobody by that name");
        await Expect(users.PersonRows).ToHaveCountAsync(0);
        await Expect(session.Page.GetByText("No one matches")).ToBeVisibleAsync();

        await users.SearchAsync("");
        await Expect(users.PersonRows).ToHaveCountAsync(4);
    }
}
