using System.Text.RegularExpressions;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Triage.Cases;
using FeedbackConsole.Core.Features.Triage.Claims;
using FeedbackConsole.E2E.Infrastructure;
using FeedbackConsole.E2E.Pages;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FeedbackConsole.E2E.Scenarios;

[Collection(BrowserTestGroup.Name)]
public sealed class TriageQueueScenarioTests(BrowserFixture browser)
{
    private const string ReviewerEmail = "rita.reviewer@example.test";
    private const string ReviewerPassword = "rita has a long passphrase";

    private static readonly Regex Highlighted = new("fc-row-highlighted", RegexOptions.None, TimeSpan.FromSeconds(1));

    /// <summary>Cases straight into the database (enrichment is another room's job), with a spread of priorities and signals.</summary>
    private static async Task<long[]> SeedAsync(ConsoleServer app)
    {
        await using var db = await app.Factory.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>().CreateDbContextAsync();
        var application = new Application { Id = Guid.NewGuid(), Name = "Acme Support Assistant", CreatedAt = DateTimeOffset.UtcNow };
        db.Applications.Add(application);
        await db.SaveChangesAsync();
        var modes = await db.FailureModes.ToDictionaryAsync(m => m.Key, m => m.Id);
        var now = DateTimeOffset.UtcNow;
        var shapes = new (double Priority, string Role, string Task, FlagCategory? Flag, bool Correction, int Down, int? Rating, string[] Suggested, string[] Confirmed, double HoursAgo, string Input)[]
        {
            (92, "customer", "billing", FlagCategory.Safety, false, 3, null, ["safety.harmful"], [], 2, "Can I take both medicines together?"),
            (71, "customer", "refund", null, true, 2, 2, ["factual.error"], ["factual.outdated"], 5, "What is the refund window for annual plans?"),
            (55, "agent", "troubleshooting", null, false, 1, 1, ["retrieval.miss", "verbosity.too_long"], [], 26, "Router keeps dropping the connection"),
            (40, "customer", "billing", FlagCategory.Compliance, false, 1, null, [], ["compliance.privacy"], 50, "Send me the card number on file"),
            (22, "agent", "refund", null, false, 2, 3, ["tone.inappropriate"], [], 80, "Customer asks for a goodwill credit"),
        };
        var ids = new List<long>();
        foreach (var s in shapes)
        {
            var interaction = new Interaction
            {
                ApplicationId = application.Id, ExternalId = Guid.NewGuid().ToString("N"), Input = s.Input, Output = "An answer.", UserRole = s.Role, TaskType = s.Task,
                OccurredAt = now, ReceivedAt = now, UpdatedAt = now, ContentHash = "e2e",
                EnrichedAt = now, // Already enriched: the running worker leaves these hand-made cases as they are.
            };
            db.Interactions.Add(interaction);
            await db.SaveChangesAsync();
            var kinds = (1 << (int)SignalKind.Thumb) | (s.Flag is null ? 0 : 1 << (int)SignalKind.Flag) | (s.Correction ? 1 << (int)SignalKind.Correction : 0)
                        | (s.Rating is null ? 0 : 1 << (int)SignalKind.Rating);
            var @case = new Case
            {
                ApplicationId = application.Id, InteractionId = interaction.Id, Priority = s.Priority, UserRole = s.Role, TaskType = s.Task, ModelVersion = "gpt-acme-2026-01",
                HighestFlag = s.Flag, HasCorrection = s.Correction, ThumbsDown = s.Down, LowestRating = s.Rating, SignalKinds = kinds,
                SignalCount = s.Down + (s.Flag is null ? 0 : 1) + (s.Correction ? 1 : 0) + (s.Rating is null ? 0 : 1), NegativeCount = s.Down, Reach = s.Down,
                CreatedAt = now.AddHours(-s.HoursAgo), UpdatedAt = now, FirstSignalAt = now, LastSignalAt = now, Version = Guid.NewGuid(),
            };
            db.Cases.Add(@case);
            await db.SaveChangesAsync();
            foreach (var key in s.Suggested)
            {
                db.CaseFailureModes.Add(new CaseFailureMode { CaseId = @case.Id, FailureModeId = modes[key], Reason = "rule", Score = 0.6 });
            }

            foreach (var key in s.Confirmed)
            {
                db.CaseFailureModes.Add(new CaseFailureMode { CaseId = @case.Id, FailureModeId = modes[key], Confirmed = true, Reason = "reviewer", Score = 1 });
            }

            await db.SaveChangesAsync();
            ids.Add(@case.Id);
        }

        return [.. ids];
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Queue_FiltersFromTheAddress_KeyboardMovesAndOpens_NextCaseClaims(string provider)
    {
        await using var app = await ConsoleServer.StartAsync(provider);
        var reviewer = await app.Factory.CreateUserAsync(ReviewerEmail, ReviewerPassword, Roles.Reviewer);
        var ids = await SeedAsync(app);
        await using var session = await browser.NewSessionAsync(app, width: 1280, height: 800);
        var login = new LoginPage(session);
        await login.GotoAsync();
        await login.SignInAsync(ReviewerEmail, ReviewerPassword);
        var queue = new TriageQueuePage(session);

        // The whole open queue, highest priority first.
        await queue.GotoAsync();
        await Expect(queue.Heading).ToBeVisibleAsync();
        await Expect(queue.CaseRows).ToHaveCountAsync(5);
        await Expect(queue.CaseRows.First).ToContainTextAsync($"#{ids[0]}");
        await Expect(queue.StatusTabs).ToContainTextAsync("Open 5");
        await session.ScreenshotAsync($"triage-queue-{provider}-1280");

        // A filter in the address: a shareable view.
        await queue.GotoAsync("role=agent&task=refund");
        await Expect(queue.CaseRows).ToHaveCountAsync(1);
        await Expect(queue.Row(ids[4])).ToBeVisibleAsync();
        await queue.GotoAsync("flag=any");
        await Expect(queue.CaseRows).ToHaveCountAsync(2);
        await queue.GotoAsync("flag=safety&role=agent");
        await Expect(session.Page.GetByText("No cases match these filters")).ToBeVisibleAsync();
        await session.ScreenshotAsync($"triage-queue-{provider}-empty-1280");

        // Keyboard: j, j, k highlights the second row; Enter opens it.
        await queue.GotoAsync();
        await Expect(queue.CaseRows).ToHaveCountAsync(5);
        await queue.PressAsync("j");
        await Expect(queue.Row(ids[0])).ToHaveClassAsync(Highlighted);
        await queue.PressAsync("j");
        await queue.PressAsync("j");
        await queue.PressAsync("k");
        await Expect(queue.HighlightedRow).ToHaveCountAsync(1);
        await Expect(queue.Row(ids[1])).ToHaveClassAsync(Highlighted);
        await session.ScreenshotAsync($"triage-queue-{provider}-highlight-1280", fullPage: false);
        await queue.PressAsync("?");
        await Expect(queue.ShortcutsDialog).ToContainTextAsync("Claim the next case and open it");
        await session.ScreenshotAsync($"triage-queue-{provider}-shortcuts-1280", fullPage: false);
        await queue.PressAsync("Escape");
        await Expect(queue.ShortcutsDialog).ToHaveCountAsync(0);
        await queue.PressAsync("Enter");
        await Expect(session.Page).ToHaveURLAsync(new Regex($"/cases/{ids[1]}$", RegexOptions.None, TimeSpan.FromSeconds(1)));

        // n claims the highest-priority case in the view nobody holds, and opens it with the queue's filter (for Esc, j and k).
        await queue.GotoAsync("role=customer&task=billing");
        await Expect(queue.CaseRows).ToHaveCountAsync(2);
        await queue.PressAsync("n");
        await Expect(session.Page).ToHaveURLAsync(new Regex($"/cases/{ids[0]}\\?q=role%3Dcustomer%26task%3Dbilling$", RegexOptions.None, TimeSpan.FromSeconds(1)));
        await using (var db = await app.Factory.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken))
        {
            var claimed = await db.Cases.AsNoTracking().SingleAsync(c => c.Id == ids[0], TestContext.Current.CancellationToken);
            Assert.Equal(reviewer.Id, claimed.AssigneeId);
            Assert.Equal(CaseStatus.InReview, claimed.Status);
        }

        // Back in the queue the claim shows, and the next press takes the next case.
        await queue.GotoAsync("role=customer&task=billing");
        await Expect(queue.Row(ids[0])).ToContainTextAsync("You");
        await queue.NextCaseButton.ClickAsync();
        await Expect(session.Page).ToHaveURLAsync(new Regex($"/cases/{ids[3]}\\?q=role%3Dcustomer%26task%3Dbilling$", RegexOptions.None, TimeSpan.FromSeconds(1)));
        Assert.Empty(session.PageErrors);

        // On a phone the rows become cards and the filters, tabs and pager still fit the width.
        await using var phone = await browser.NewSessionAsync(app, width: 390, height: 844);
        var phoneLogin = new LoginPage(phone);
        await phoneLogin.GotoAsync();
        await phoneLogin.SignInAsync(ReviewerEmail, ReviewerPassword);
        var phoneQueue = new TriageQueuePage(phone);
        await phoneQueue.GotoAsync();
        await Expect(phoneQueue.CaseRows).ToHaveCountAsync(5);
        Assert.Equal(390, await phone.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth"));
        await phone.ScreenshotAsync($"triage-queue-{provider}-390");
        Assert.Empty(phone.PageErrors);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Queue_BulkLabelAndDismiss_ThenShowsAnotherReviewersClaimAndDismissalWithoutReload(string provider)
    {
        const string leadEmail = "lena.lead@example.test";
        const string otherEmail = "omar.other@example.test";
        await using var app = await ConsoleServer.StartAsync(provider);
        await app.Factory.CreateUserAsync(leadEmail, ReviewerPassword, Roles.Lead);
        var other = await app.Factory.CreateUserAsync(otherEmail, ReviewerPassword, Roles.Reviewer);
        var ids = await SeedAsync(app);
        await using var session = await browser.NewSessionAsync(app, width: 1280, height: 800);
        var login = new LoginPage(session);
        await login.GotoAsync();
        await login.SignInAsync(leadEmail, ReviewerPassword);
        var queue = new TriageQueuePage(session);
        await queue.GotoAsync();
        await Expect(queue.CaseRows).ToHaveCountAsync(5);

        // Select two rows: the bulk bar counts them; label both at once.
        await queue.SelectCheckbox(ids[2]).CheckAsync();
        await queue.SelectCheckbox(ids[4]).CheckAsync();
        await Expect(queue.BulkBar).ToContainTextAsync("2 cases selected");
        await session.ScreenshotAsync($"triage-queue-{provider}-bulk-1280", fullPage: false);
        await queue.BulkBar.GetByRole(AriaRole.Button, new() { Name = "Label" }).ClickAsync();
        await session.Page.GetByRole(AriaRole.Menuitem).Filter(new() { HasText = "instructions.ignored" }).ClickAsync();
        await Expect(queue.Snackbar).ToContainTextAsync("Labeled 2 cases");
        await Expect(queue.BulkBar).ToHaveCountAsync(0);
        await using (var db = await app.Factory.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken))
        {
            var labeled = await db.Cases.AsNoTracking().Where(c => c.Id == ids[2] || c.Id == ids[4]).Select(c => c.Status).ToListAsync(TestContext.Current.CancellationToken);
            Assert.All(labeled, status => Assert.Equal(CaseStatus.Labeled, status));
        }

        // Dismiss one with a reason the end user may read: it leaves the open queue.
        await queue.SelectCheckbox(ids[4]).CheckAsync();
        await queue.BulkBar.GetByRole(AriaRole.Button, new() { Name = "Dismiss…" }).ClickAsync();
        var dialog = session.Page.GetByRole(AriaRole.Dialog, new() { Name = "Dismiss 1 case" });
        await dialog.GetByLabel("Reason for the end user").FillAsync("This is how goodwill credits work; the answer was right.");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Dismiss", Exact = true }).ClickAsync();
        await Expect(queue.Snackbar).ToContainTextAsync("Dismissed 1 case");
        await Expect(queue.CaseRows).ToHaveCountAsync(4);
        await Expect(queue.StatusTabs).ToContainTextAsync("Open 4");

        // Another reviewer claims one case and dismisses another elsewhere: the open page shows both, no reload.
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var claim = await scope.ServiceProvider.GetRequiredService<ClaimCase>().HandleAsync(ids[1], other.Id, TestContext.Current.CancellationToken);
            Assert.True(claim.Succeeded, claim.Error);
            var dismissed = await scope.ServiceProvider.GetRequiredService<BulkDismiss>()
                .HandleAsync([ids[3]], "The card number is never sent in chat, by design.", other.Id, TestContext.Current.CancellationToken);
            Assert.True(dismissed.Succeeded, dismissed.Error);
        }

        await Expect(queue.Row(ids[1])).ToContainTextAsync(other.DisplayName);
        await Expect(queue.Row(ids[3])).ToHaveCountAsync(0);
        await Expect(queue.StatusTabs).ToContainTextAsync("Open 3");
        await session.ScreenshotAsync($"triage-queue-{provider}-live-1280", fullPage: false);
        Assert.Empty(session.PageErrors);
    }
}
