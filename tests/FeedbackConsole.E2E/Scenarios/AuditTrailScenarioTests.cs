using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Admin.Applications;
using FeedbackConsole.Core.Features.Admin.Users;
using FeedbackConsole.Core.Features.Audit;
using FeedbackConsole.E2E.Infrastructure;
using FeedbackConsole.E2E.Pages;
using FeedbackConsole.Tests.Shared;
using FeedbackConsole.Tests.Shared.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace FeedbackConsole.E2E.Scenarios;

/// <summary>An admin reads the audit trail: filters it, shares the view by its address, opens a change, and verifies the chain.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class AuditTrailScenarioTests(BrowserFixture browser)
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AdminReadsTheTrail_FiltersByAddress_AndVerificationCatchesAnEditedRow(string provider)
    {
        await using var app = await ConsoleServer.StartAsync(provider);
        var services = app.Factory.Services;
        var events = await SeedAsync(services);

        await using var admin = await browser.NewSessionAsync(app, width: 1280, height: 900);
        var login = new LoginPage(admin);
        await login.GotoAsync();
        var shell = await login.SignInAsync(ConsoleAppFactory.AdminEmail, ConsoleAppFactory.AdminPassword);
        var audit = await AuditLogPage.OpenFromNavigationAsync(admin, shell);

        // Newest first, every decision made so far (the first admin's creation at start-up included).
        await Expect(audit.EventRows).ToHaveCountAsync(events.Total);
        await Expect(audit.Count).ToHaveTextAsync($"{events.Total} events");
        await Expect(audit.EventRows.First).ToContainTextAsync("Case dismissed");
        await Expect(audit.Row(events.Dismissed)).ToContainTextAsync("Duplicate of a report already fixed in release 12");
        await Expect(audit.Row(events.Labeled).GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "Case #42" })).ToHaveAttributeAsync("href", "/cases/42");
        await Expect(audit.Row(events.Bootstrap)).ToContainTextAsync("System");

        // A change, field by field.
        await audit.Toggle(events.RolesChanged).ClickAsync();
        var changes = audit.Changes(events.RolesChanged);
        await Expect(changes).ToBeVisibleAsync();
        var roles = changes.GetByRole(Microsoft.Playwright.AriaRole.Row, new() { Name = "Roles" });
        await Expect(roles.GetByRole(Microsoft.Playwright.AriaRole.Cell)).ToHaveTextAsync(["Reviewer", "Lead, Reviewer"]);
        await admin.ScreenshotAsync("60-audit-trail");

        // A filter goes into the address; opening that address again shows the same view.
        await audit.TextFilter.FillAsync("release 12");
        await Expect(audit.EventRows).ToHaveCountAsync(1);
        await Expect(audit.Count).ToHaveTextAsync("1 event matches these filters");
        Assert.Contains("q=release%2012", admin.Page.Url, StringComparison.Ordinal);
        await shell.GotoAsync(new Uri(admin.Page.Url).PathAndQuery);
        await Expect(audit.EventRows).ToHaveCountAsync(1);
        await Expect(audit.TextFilter).ToHaveValueAsync("release 12");

        await shell.GotoAsync(AuditLogPage.Path + "?action=apikey.");
        await Expect(audit.EventRows).ToHaveCountAsync(2);
        await Expect(audit.Row(events.KeyRevoked)).ToContainTextAsync("API key revoked");
        await Expect(audit.Row(events.KeyRevoked)).ToContainTextAsync("Production backend");

        await audit.ActorFilter.FillAsync("nobody@example.test");
        await Expect(admin.Page.GetByText("No events match these filters.")).ToBeVisibleAsync();
        await admin.ScreenshotAsync("63-audit-no-match", fullPage: false);
        await audit.ClearFilters.ClickAsync();
        await Expect(audit.EventRows).ToHaveCountAsync(events.Total);
        Assert.DoesNotContain("?", admin.Page.Url, StringComparison.Ordinal);

        // The chain checks out …
        await audit.VerifyAsync();
        await Expect(audit.VerifyResult).ToContainTextAsync($"{events.Total} events verified — the chain is intact.");
        await admin.ScreenshotAsync("61-audit-chain-intact", fullPage: false);

        // … until someone edits a stored row behind the console's back.
        var contexts = services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync(TestContext.Current.CancellationToken))
        {
            await db.Database.ExecuteSqlRawAsync("""UPDATE "AuditEvents" SET "After" = {0} WHERE "Id" = {1}""",
                ["""{"failureMode":"tone.inappropriate"}""", events.Labeled], TestContext.Current.CancellationToken);
        }

        await audit.VerifyAsync();
        await Expect(audit.VerifyResult).ToContainTextAsync($"The chain is broken at event #{events.Labeled}");
        await Expect(audit.VerifyResult).ToContainTextAsync($"Event {events.Labeled} was changed after it was written");
        await admin.ScreenshotAsync("62-audit-chain-broken", fullPage: false);
        Assert.Empty(admin.PageErrors);
    }

    private sealed record Seeded(int Total, long Bootstrap, long KeyRevoked, long RolesChanged, long Labeled, long Dismissed);

    /// <summary>Decisions made through the real use cases, plus two case decisions as triage records them.</summary>
    private static async Task<Seeded> SeedAsync(IServiceProvider services)
    {
        var ct = TestContext.Current.CancellationToken;
        string adminId;
        await using (var scope = services.CreateAsyncScope())
        {
            adminId = (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(ConsoleAppFactory.AdminEmail))!.Id;
        }

        async Task<T> Run<THandler, T>(Func<THandler, Task<T>> call)
            where THandler : notnull
        {
            await using var scope = services.CreateAsyncScope();
            return await call(scope.ServiceProvider.GetRequiredService<THandler>());
        }

        var application = (await Run<CreateApplication, Result<Guid>>(h => h.HandleAsync(new() { Name = "Support assistant" }, adminId, ct))).Value;
        var key = (await Run<CreateApiKey, Result<CreateApiKey.Created>>(h =>
            h.HandleAsync(application, new() { Kind = ApiKeyKind.Server, Label = "Production backend" }, adminId, ct))).Value!;
        await Run<RevokeApiKey, Result>(h => h.HandleAsync(key.KeyId, adminId, ct));
        var rita = (await Run<CreateUser, Result<CreateUser.Created>>(h =>
            h.HandleAsync(new() { Email = "rita@example.test", DisplayName = "Rita", Roles = [Roles.Reviewer] }, adminId))).Value!;
        await Run<SetUserRoles, Result>(h => h.HandleAsync(rita.UserId, [Roles.Reviewer, Roles.Lead], adminId));

        var contexts = services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>();
        var trail = services.GetRequiredService<AuditTrail>();
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var reviewer = await AuditActor.OfUserAsync(db, rita.UserId, ct);
            await trail.RecordManyAsync(db, reviewer,
            [
                new("case.labeled", "case", "42", application, new { failureMode = (string?)null }, new { failureMode = "factual.outdated" }),
                new("case.dismissed", "case", "43", application, new { status = "New" }, new { status = "Dismissed" },
                    "Duplicate of a report already fixed in release 12"),
            ], ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }

        // 1 bootstrap admin + application, key created, key revoked, user created, roles changed + 2 case decisions.
        return new Seeded(Total: 8, Bootstrap: 1, KeyRevoked: 4, RolesChanged: 6, Labeled: 7, Dismissed: 8);
    }
}
