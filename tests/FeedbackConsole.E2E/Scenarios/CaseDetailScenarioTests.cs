using System.Text.RegularExpressions;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Triage.Queue;
using FeedbackConsole.E2E.Infrastructure;
using FeedbackConsole.E2E.Pages;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FeedbackConsole.E2E.Scenarios;

/// <summary>The case page: two reviewers on one case (a stale save is told who changed what and re-applies), and the keyboard.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class CaseDetailScenarioTests(BrowserFixture browser)
{
    private const string Password = "case page password long enough";

    private static async Task<(CaseSeed Seed, long CaseId, long Similar)> SeedCaseAsync(ConsoleServer app)
    {
        var seed = new CaseSeed(app.Factory.Services);
        var application = await seed.ApplicationAsync("Acme Support Assistant");
        var t = CaseSeed.T0;
        await seed.InteractionAsync(application, "Hi, I bought a kettle last week.", "Thanks for your order! How can I help with your kettle?", "conv-9", t.AddMinutes(-3));
        var cluster = await seed.ClusterAsync(application, "How long is the refund window?", caseCount: 3, reach: 3);
        var caseId = await seed.CaseAsync(
            application,
            input: "How many days do I have to return it? My email is [email] if you need it.",
            output: "You can return any item within 14 days of delivery. Refunds are paid to your original payment method within 5 working days.",
            conversation: "conv-9", at: t, suggest: ["factual.error", "factual.outdated"], clusterId: cluster, redactions: 1, priority: 1240,
            signals:
            [
                CaseSeed.Signal(SignalKind.Thumb, thumbUp: false),
                CaseSeed.Signal(SignalKind.Rating, rating: 1, dimension: "accuracy"),
                CaseSeed.Signal(SignalKind.Comment, text: "This is outdated, the policy changed in May. Call me on [phone].", endUser: "end-user-2", redactions: 1),
                CaseSeed.Signal(SignalKind.Correction, text: "You can return any item within 30 days of delivery. Refunds are paid to your original payment method within 5 working days.", endUser: "end-user-2"),
                CaseSeed.Signal(SignalKind.Regenerate, derived: true),
            ]);
        var similar = await seed.CaseAsync(application, input: "Is the refund window 14 or 30 days?", clusterId: cluster, priority: 900);
        await seed.CaseAsync(application, input: "Can I return an opened kettle?", clusterId: cluster, priority: 300, status: CaseStatus.Dismissed);
        return (seed, caseId, similar);
    }

    private async Task<(BrowserSession Session, CasePage Page)> OpenAsReviewerAsync(ConsoleServer app, string email, long caseId, string? queueQuery = null)
    {
        var session = await browser.NewSessionAsync(app, width: 1280, height: 900);
        var login = new LoginPage(session);
        await login.GotoAsync();
        await login.SignInAsync(email, Password);
        var page = new CasePage(session);
        await page.GotoAsync(caseId, queueQuery);
        return (session, page);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TwoReviewers_StaleSaveIsToldWhoChangedWhat_ReappliesAndNothingIsLost(string provider)
    {
        await using var app = await ConsoleServer.StartAsync(provider);
        var (seed, caseId, _) = await SeedCaseAsync(app);
        await seed.UserAsync("dana@example.test", "Dana", Password, Roles.Reviewer);
        await seed.UserAsync("ben@example.test", "Ben", Password, Roles.Reviewer);

        var (danaSession, dana) = await OpenAsReviewerAsync(app, "dana@example.test", caseId);
        await using var _ = danaSession;
        var (benSession, ben) = await OpenAsReviewerAsync(app, "ben@example.test", caseId);
        await using var __ = benSession;

        // Both see the same new case: the answer, the correction as a diff, redacted data as marked chips.
        await Expect(dana.Status).ToHaveTextAsync("New");
        await Expect(dana.Output).ToContainTextAsync("within 14 days of delivery");
        await Expect(dana.CorrectionDiff.Locator("del")).ToHaveTextAsync("14");
        await Expect(dana.CorrectionDiff.Locator("ins")).ToHaveTextAsync("30");
        await Expect(dana.Input.Locator("mark.fc-redacted")).ToContainTextAsync("email");
        await Expect(dana.Mode("Factual error")).ToHaveAttributeAsync("aria-pressed", "false");
        await danaSession.ScreenshotAsync("40-case-detail");
        await danaSession.ScreenshotAsync("40-case-detail-viewport", fullPage: false);

        // Dana confirms the suggested factual error with key 1 (the first of the most used modes).
        await dana.PressAsync("1");
        await Expect(dana.Mode("Factual error")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(dana.Status).ToHaveTextAsync("Labeled");

        // Ben, still on the version he loaded, hears of it without a reload …
        await Expect(ben.ExternalChange).ToContainTextAsync("Dana changed the status New → Labeled and confirmed factual.error");
        await Expect(ben.Status).ToHaveTextAsync("New");

        // … and saves his note on the stale version: nothing is written, he is told who changed what.
        await ben.SaveNoteAsync("Policy page was updated in May; the KB entry kb-12 still says 14 days.");
        await Expect(ben.ConflictDialog).ToBeVisibleAsync();
        await Expect(ben.ConflictDialog.GetByTestId("conflict-changes"))
            .ToContainTextAsync(new Regex("Dana changed the status New → Labeled and confirmed factual\\.error at \\d{2}:\\d{2}"));
        await Expect(ben.ConflictDialog.GetByTestId("conflict-mine")).ToContainTextAsync("Set the note to “Policy page was updated in May");
        await Expect(ben.Status).ToHaveTextAsync("Labeled"); // the page behind already shows the current version
        await benSession.ScreenshotAsync("41-case-conflict", fullPage: false);
        var stored = await seed.ReadAsync(db => db.Cases.AsNoTracking().FirstAsync(c => c.Id == caseId, TestContext.Current.CancellationToken));
        Assert.Null(stored.ReviewerNote);

        await ben.ConflictDialog.GetByRole(AriaRole.Button, new() { Name = "Re-apply my change on the current version" }).ClickAsync();
        await Expect(ben.ConflictDialog).ToBeHiddenAsync();
        await Expect(ben.History).ToContainTextAsync("Ben added a note");
        await Expect(ben.Mode("Factual error")).ToHaveAttributeAsync("aria-pressed", "true");

        // Nothing lost: Dana's label and Ben's note are both stored, each with its audit event.
        var kase = await seed.ReadAsync(db => db.Cases.AsNoTracking().Include(c => c.FailureModes).ThenInclude(m => m.FailureMode)
            .FirstAsync(c => c.Id == caseId, TestContext.Current.CancellationToken));
        Assert.Equal(CaseStatus.Labeled, kase.Status);
        Assert.Equal("Policy page was updated in May; the KB entry kb-12 still says 14 days.", kase.ReviewerNote);
        Assert.Contains(kase.FailureModes, m => m.FailureMode!.Key == "factual.error" && m.Confirmed);
        var actions = await seed.ReadAsync(db => db.AuditEvents.AsNoTracking().Where(e => e.EntityType == "case" && e.EntityId == caseId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .OrderBy(e => e.Id).Select(e => e.ActorName + " " + e.Action).ToListAsync(TestContext.Current.CancellationToken));
        Assert.Equal(["dana@example.test case.status_changed", "dana@example.test case.labeled", "ben@example.test case.note_set"], actions);
        await benSession.Page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await benSession.ScreenshotAsync("42-case-after-reapply");

        // Dana's page, in turn, hears of Ben's note.
        await Expect(dana.ExternalChange).ToContainTextAsync("Ben added a note");
        Assert.Empty(danaSession.PageErrors);
        Assert.Empty(benSession.PageErrors);
    }

    [Fact]
    public async Task Keyboard_OverlaySearchNextAndBackToQueue()
    {
        await using var app = await ConsoleServer.StartAsync(TestDatabase.Sqlite);
        var (seed, caseId, similar) = await SeedCaseAsync(app);
        await seed.UserAsync("dana@example.test", "Dana", Password, Roles.Reviewer);
        var queue = (QueueFilter.Default with { PageSize = 20 }).ToQueryString(); // open cases, highest priority first, 20 a page
        var (session, page) = await OpenAsReviewerAsync(app, "dana@example.test", caseId, queue);
        await using var _ = session;

        // ? lists every shortcut.
        await page.PressAsync("?");
        await Expect(page.ShortcutsDialog).ToBeVisibleAsync();
        await Expect(page.ShortcutsDialog).ToContainTextAsync("Next case in the queue");
        await Expect(page.ShortcutsDialog).ToContainTextAsync("Confirm or remove “Factual error”");
        await session.ScreenshotAsync("43-case-shortcuts", fullPage: false);
        await session.Page.Keyboard.PressAsync("Escape");
        await Expect(page.ShortcutsDialog).ToBeHiddenAsync();

        // / searches the whole tree; typing does not trigger shortcuts; Esc leaves the field.
        await page.PressAsync("/");
        await Expect(session.Page.Locator("#case-mode-search")).ToBeFocusedAsync();
        await session.Page.Keyboard.TypeAsync("too long");
        await Expect(page.Status).ToHaveTextAsync("New"); // "1"…"9", "j", "k" typed nowhere else
        await session.Page.GetByRole(AriaRole.Option).Filter(new LocatorFilterOptions { HasText = "Too long" }).First.ClickAsync();
        await Expect(page.Mode("Too long")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(page.Status).ToHaveTextAsync("Labeled");
        await session.Page.Locator("#case-mode-search").FocusAsync();
        await session.Page.Keyboard.PressAsync("Escape");
        await Expect(session.Page.Locator("#case-mode-search")).Not.ToBeFocusedAsync();
        Assert.Contains($"/cases/{caseId}", session.Page.Url, StringComparison.Ordinal);

        // j: the next case in the queue's order (the similar case, priority 900 after 1240).
        await page.PressAsync("j");
        await Expect(page.Heading(similar)).ToBeVisibleAsync();
        Assert.Contains("?q=size%3D20", session.Page.Url, StringComparison.Ordinal);

        // k: back to the one before it (labeled now, still open, so still in the view).
        await page.PressAsync("k");
        await Expect(page.Heading(caseId)).ToBeVisibleAsync();

        // Esc: back to the queue with its filter.
        await page.PressAsync("Escape");
        await Expect(session.Page).ToHaveURLAsync(new Regex("/triage\\?size=20$"));
        Assert.Empty(session.PageErrors);

        // On a phone the page stacks into one column and nothing runs off the side.
        await using var phone = await browser.NewSessionAsync(app, width: 390, height: 844);
        var phoneLogin = new LoginPage(phone);
        await phoneLogin.GotoAsync();
        await phoneLogin.SignInAsync("dana@example.test", Password);
        await new CasePage(phone).GotoAsync(similar);
        await phone.ScreenshotAsync("44-case-detail-mobile");
        var overflow = await phone.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"The case page is {overflow}px wider than a phone screen.");
    }
}
