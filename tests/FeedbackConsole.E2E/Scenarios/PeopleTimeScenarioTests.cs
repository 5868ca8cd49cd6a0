using System.Globalization;
using FeedbackConsole.Core.Data;
using FeedbackConsole.E2E.Infrastructure;
using FeedbackConsole.E2E.Pages;
using FeedbackConsole.Tests.Shared;
using FeedbackConsole.Tests.Shared.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace FeedbackConsole.E2E.Scenarios;

/// <summary>Times on console pages are in the reader's browser time zone, not the server's.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class PeopleTimeScenarioTests(BrowserFixture browser)
{
    [Fact]
    public async Task AReaderInTokyo_SeesTheAuditTrailInTokyoTime()
    {
        await using var app = await ConsoleServer.StartAsync(TestDatabase.Sqlite);
        var contexts = app.Factory.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>();
        DateTimeOffset created;
        await using (var db = await contexts.CreateDbContextAsync(TestContext.Current.CancellationToken))
        {
            // The first admin's creation at start-up: the trail's first event.
            created = await db.AuditEvents.Where(e => e.Id == 1).Select(e => e.OccurredAt).SingleAsync(TestContext.Current.CancellationToken);
        }

        var tokyo = TimeZoneInfo.ConvertTime(created, TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo"));
        var shown = tokyo.ToString("d MMM yyyy, HH:mm", CultureInfo.InvariantCulture);
        var full = tokyo.ToString("d MMM yyyy, HH:mm:ss", CultureInfo.InvariantCulture) + " (UTC+09:00)";

        await using var admin = await browser.NewSessionAsync(app, width: 1280, height: 900, timezoneId: "Asia/Tokyo");
        var login = new LoginPage(admin);
        await login.GotoAsync();
        var shell = await login.SignInAsync(ConsoleAppFactory.AdminEmail, ConsoleAppFactory.AdminPassword);
        var audit = await AuditLogPage.OpenFromNavigationAsync(admin, shell);

        var time = audit.Row(1).Locator("time").First;
        await Expect(time).ToHaveTextAsync(shown);
        await Expect(time).ToHaveAttributeAsync("title", full);
        await Expect(audit.Row(1)).Not.ToContainTextAsync("UTC");
        // The day filters are the reader's days too.
        await Expect(admin.Page.GetByLabel("From", new() { Exact = true })).ToBeVisibleAsync();
        await admin.ScreenshotAsync("64-audit-trail-in-tokyo", fullPage: false);
        Assert.Empty(admin.PageErrors);
    }
}
