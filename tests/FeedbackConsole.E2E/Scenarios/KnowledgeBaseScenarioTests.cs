using System.Text.RegularExpressions;
using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.KnowledgeBases;
using FeedbackConsole.Core.Features.KnowledgeBases.Revisions;
using FeedbackConsole.E2E.Infrastructure;
using FeedbackConsole.E2E.Pages;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FeedbackConsole.E2E.Scenarios;

/// <summary>From a case to an approved revision: reviewer A proposes a correction, cannot approve it herself, reviewer B approves it.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class KnowledgeBaseScenarioTests(BrowserFixture browser)
{
    private const string Password = "knowledge password long enough";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record World(CaseSeed Seed, Guid Kb, Guid Entry, long CaseId, string Dana, string Ben);

    private static async Task<T> RunAsync<THandler, T>(ConsoleServer app, Func<THandler, Task<T>> call)
        where THandler : notnull
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        return await call(scope.ServiceProvider.GetRequiredService<THandler>());
    }

    /// <summary>A facts base with one approved entry ("Refund window: 14 days"), and a labeled case whose answer retrieved it.</summary>
    private static async Task<World> SeedAsync(ConsoleServer app)
    {
        var seed = new CaseSeed(app.Factory.Services);
        var application = await seed.ApplicationAsync("Acme Support Assistant");
        var lena = await seed.UserAsync("lena@example.test", "Lena", Password, Roles.Lead);
        var dana = await seed.UserAsync("dana@example.test", "Dana", Password, Roles.Reviewer);
        var ben = await seed.UserAsync("ben@example.test", "Ben", Password, Roles.Reviewer);

        var kb = await RunAsync<CreateKnowledgeBase, Result<Guid>>(app, h => h.HandleAsync(new CreateKnowledgeBase.Request
        {
            ApplicationId = application, Key = "support-facts", Name = "Support facts", Kind = KnowledgeBaseKind.Facts,
            Description = "Policies the support assistant quotes: refunds, shipping, opening hours.",
        }, lena, Ct));
        await RunAsync<CreateKnowledgeBase, Result<Guid>>(app, h => h.HandleAsync(new CreateKnowledgeBase.Request
        {
            ApplicationId = application, Key = "support-guards", Name = "Support guard rules", Kind = KnowledgeBaseKind.Guards,
        }, lena, Ct));
        Guid entry = default;
        foreach (var (title, content) in new[]
                 {
                     ("Shipping times", "Parcels leave our warehouse within 2 working days and arrive 1–3 days later."),
                     ("Opening hours", "The support line is open Monday to Friday, 9:00 to 17:00 UK time."),
                     ("Refund window", "You can return any item within 14 days of delivery. Refunds are paid to your original payment method within 5 working days."),
                 })
        {
            var proposed = await RunAsync<ProposeRevision, Result<ProposeRevision.Outcome>>(app, h => h.HandleAsync(new ProposeRevision.Request
            {
                KnowledgeBaseId = kb.Value, Change = RevisionChange.Create, Content = new RevisionContent(title, content), Summary = "Initial policy text.",
            }, lena, Ct));
            await RunAsync<RevisionDecisions, Result>(app, h => h.ApproveAsync(proposed.Value!.RevisionId, null, ben, Ct));
            entry = proposed.Value!.EntryId;
        }

        var caseId = await seed.CaseAsync(
            application,
            input: "How many days do I have to return my kettle?",
            output: "You can return any item within 14 days of delivery.",
            status: CaseStatus.Labeled, suggest: ["factual.outdated"], priority: 1200,
            signals:
            [
                CaseSeed.Signal(SignalKind.Thumb, thumbUp: false),
                CaseSeed.Signal(SignalKind.Correction, text: "You can return any item within 30 days of delivery. Refunds are paid to your original payment method within 5 working days."),
            ]);
        await seed.ReadAsync(async db =>
        {
            var kase = await db.Cases.Include(c => c.Interaction).Include(c => c.FailureModes).FirstAsync(c => c.Id == caseId, Ct);
            kase.Interaction!.UsedEntryIds = [entry.ToString("D"), "legacy-17"];
            kase.FailureModes.ForEach(m => m.Confirmed = true);
            kase.ProposedAnswer = "You can return any item within 30 days of delivery.";
            return await db.SaveChangesAsync(Ct);
        });
        return new World(seed, kb.Value, entry, caseId, dana, ben);
    }

    private async Task<BrowserSession> SignInAsync(ConsoleServer app, string email)
    {
        var session = await browser.NewSessionAsync(app, width: 1280, height: 900);
        var login = new LoginPage(session);
        await login.GotoAsync();
        await login.SignInAsync(email, Password);
        return session;
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task CaseToApprovedRevision_AuthorCannotApprove_SecondReviewerApproves(string provider)
    {
        await using var app = await ConsoleServer.StartAsync(provider);
        var w = await SeedAsync(app);

        await using var dana = await SignInAsync(app, "dana@example.test");

        // The list: per knowledge base, its entries, proposals waiting and live release.
        var list = new KnowledgeBaseListPage(dana);
        await list.GotoAsync();
        await Expect(list.Row("Support facts")).ToContainTextAsync("3");
        await Expect(list.Row("Support facts")).ToContainTextAsync("No live release");
        await Expect(list.Row("Support guard rules")).ToContainTextAsync("Guard rules");
        await dana.ScreenshotAsync("60-knowledge-bases");

        // The entries of the facts base, searchable on the server.
        await list.Row("Support facts").GetByRole(AriaRole.Link, new() { Name = "Support facts" }).ClickAsync();
        var entries = new KnowledgeBaseEntriesPage(dana);
        await Expect(entries.Heading("Support facts")).ToBeVisibleAsync();
        await Expect(entries.Row("Refund window")).ToContainTextAsync("Approved, not released");
        await dana.ScreenshotAsync("61-knowledge-base-entries");
        await entries.Search.FillAsync("REFUND");
        await Expect(entries.EntryRows).ToHaveCountAsync(1);
        await entries.Search.FillAsync("");

        // From the case: "Propose correction" opens the editor on the entry the answer retrieved.
        var casePage = new CasePage(dana);
        await casePage.GotoAsync(w.CaseId);
        await dana.ScreenshotAsync("67-case-propose-button", fullPage: false);
        await dana.Page.GetByRole(AriaRole.Link, new() { Name = "Propose correction" }).ClickAsync();
        var editor = new ProposeCorrectionPage(dana);
        await Expect(editor.Heading).ToBeVisibleAsync();
        await Expect(editor.Action("Revise “Refund window” (retrieved for this answer)")).ToBeCheckedAsync();
        await Expect(dana.Page.GetByText("legacy-17")).ToBeVisibleAsync();
        await Expect(editor.Content).ToHaveValueAsync(new Regex("within 14 days"));
        await editor.UseCorrection.ClickAsync();
        await Expect(editor.Content).ToHaveValueAsync(new Regex("within 30 days"));
        await Expect(editor.Diff.Locator("[data-field=Content] del")).ToHaveTextAsync("14");
        await Expect(editor.Diff.Locator("[data-field=Content] ins")).ToHaveTextAsync("30");
        await editor.Summary.FillAsync("The refund window is 30 days since the May policy change; the entry still says 14.");
        await dana.ScreenshotAsync("62-propose-correction");
        await editor.Submit.ClickAsync();

        // Dana lands on her proposal and cannot approve it: the button is disabled and says why.
        var danaRevision = new RevisionPage(dana);
        await Expect(danaRevision.State).ToHaveTextAsync("Proposed");
        await Expect(danaRevision.Approve).ToBeDisabledAsync();
        await Expect(danaRevision.ApproveBlocked).ToContainTextAsync("You wrote this proposal: another reviewer must approve it (four-eyes).");
        await Expect(danaRevision.Withdraw).ToBeVisibleAsync();
        await Expect(danaRevision.SourceCase(w.CaseId)).ToBeVisibleAsync();
        await dana.ScreenshotAsync("63-revision-author");
        var kase = await w.Seed.ReadAsync(db => db.Cases.AsNoTracking().FirstAsync(c => c.Id == w.CaseId, Ct));
        Assert.Equal(CaseStatus.CorrectionProposed, kase.Status);

        // Ben finds it in the approval queue and approves it with a comment.
        await using var ben = await SignInAsync(app, "ben@example.test");
        var approvals = new ApprovalsPage(ben);
        await approvals.GotoAsync();
        await Expect(approvals.Table).ToContainTextAsync("Dana");
        await Expect(approvals.Table).ToContainTextAsync($"#{w.CaseId}");
        await ben.ScreenshotAsync("64-approvals");
        await approvals.Proposal("Refund window").ClickAsync();
        var benRevision = new RevisionPage(ben);
        await Expect(benRevision.State).ToHaveTextAsync("Proposed");
        await Expect(benRevision.Diff.Locator("[data-field=Content] ins")).ToHaveTextAsync("30");
        await Expect(benRevision.Approve).ToBeEnabledAsync();
        await benRevision.Comment.FillAsync("Matches the policy page of 1 May.");
        await ben.ScreenshotAsync("65-revision-review");
        await benRevision.Approve.ClickAsync();
        await Expect(benRevision.State).ToHaveTextAsync("Approved");
        await Expect(ben.Page.GetByText("Matches the policy page of 1 May.")).ToBeVisibleAsync();
        await ben.ScreenshotAsync("66-revision-approved");

        // Stored: the entry points at Dana's revision, approved by Ben; the case is Approved.
        var stored = await w.Seed.ReadAsync(async db => (
            Entry: await db.KnowledgeEntries.AsNoTracking().FirstAsync(e => e.Id == w.Entry, Ct),
            Revision: await db.EntryRevisions.AsNoTracking().Where(r => r.EntryId == w.Entry).OrderByDescending(r => r.Number).FirstAsync(Ct),
            Case: await db.Cases.AsNoTracking().FirstAsync(c => c.Id == w.CaseId, Ct)));
        Assert.Equal(stored.Revision.Id, stored.Entry.ApprovedRevisionId);
        Assert.Equal((RevisionState.Approved, w.Dana, w.Ben), (stored.Revision.State, stored.Revision.AuthorId, stored.Revision.ReviewerId));
        Assert.Contains("30 days", stored.Revision.Content, StringComparison.Ordinal);
        Assert.Equal(CaseStatus.Approved, stored.Case.Status);
        Assert.Empty(dana.PageErrors);
        Assert.Empty(ben.PageErrors);
    }
}
