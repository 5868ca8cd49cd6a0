using System.Net;
using Microsoft.EntityFrameworkCore;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Tests.Shared;
using FeedbackConsole.Tests.Shared.Web;
using FeedbackConsole.Web.Tests.Shared;

namespace FeedbackConsole.Web.Tests.Security;

public sealed class SignInTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Login_FiveWrongPasswords_LocksTheAccountEvenForTheRightOne(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        await app.CreateUserAsync("rita@example.test", "the right password here", Roles.Reviewer);
        using var client = BrowserlessSignIn.AnonymousClient(app);

        for (var i = 0; i < 4; i++)
        {
            using var wrong = await BrowserlessSignIn.PostLoginAsync(client, "rita@example.test", "a wrong password " + i);
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode); // the form again, with an error
        }

        using var fifth = await BrowserlessSignIn.PostLoginAsync(client, "rita@example.test", "a wrong password 5");
        using var right = await BrowserlessSignIn.PostLoginAsync(client, "rita@example.test", "the right password here");

        Assert.Equal("/Account/Lockout", fifth.Headers.Location?.AbsolutePath);
        Assert.Equal("/Account/Lockout", right.Headers.Location?.AbsolutePath);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Login_Succeeds_RecordsTheTimeAndWritesNoOtherColumnOfThePerson(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        var user = await app.CreateUserAsync("rita@example.test", "the right password here", Roles.Reviewer);
        using var client = BrowserlessSignIn.AnonymousClient(app);

        using var login = await BrowserlessSignIn.PostLoginAsync(client, "rita@example.test", "the right password here");

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var stored = await app.QueryDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id));
        Assert.NotNull(stored.LastSignInAt);
        Assert.Equal(user.ConcurrencyStamp, stored.ConcurrencyStamp); // not a whole-row update through UserManager
    }

    [Fact]
    public async Task Login_WrongPassword_ShowsReadableErrorWithoutSayingWhichPartWasWrong()
    {
        await using var database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var app = new ConsoleAppFactory(database);
        using var client = BrowserlessSignIn.AnonymousClient(app);

        using var response = await BrowserlessSignIn.PostLoginAsync(client, ConsoleAppFactory.AdminEmail, "not the password at all");
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Contains("That email and password do not match.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_OneTimePassword_LeadsToSetPasswordWithoutASession()
    {
        await using var database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var app = new ConsoleAppFactory(database);
        var user = await app.CreateUserAsync("new@example.test", "one time password 123", Roles.Reviewer);
        await app.UpdateUserAsync(user.Id, u => u.MustChangePassword = true);

        using var client = BrowserlessSignIn.AnonymousClient(app);
        using var login = await BrowserlessSignIn.PostLoginAsync(client, "new@example.test", "one time password 123");
        using var home = await client.GetAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal("/Account/SetPassword", login.Headers.Location?.AbsolutePath);
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode); // still no console session
        Assert.Contains("/Account/Login", home.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_DisabledAccount_SaysDisabledOnlyToSomeoneWithThePassword()
    {
        await using var database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var app = new ConsoleAppFactory(database);
        var user = await app.CreateUserAsync("gone@example.test", "the right password here", Roles.Reviewer);
        await app.UpdateUserAsync(user.Id, u => u.IsDisabled = true);

        using var client = BrowserlessSignIn.AnonymousClient(app);
        using var guessed = await BrowserlessSignIn.PostLoginAsync(client, "gone@example.test", "a guessed password");
        using var known = await BrowserlessSignIn.PostLoginAsync(client, "gone@example.test", "the right password here");

        Assert.Contains("That email and password do not match.", await guessed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Contains("This account is disabled.", await known.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
