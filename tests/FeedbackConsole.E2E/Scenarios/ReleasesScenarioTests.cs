using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Releases;
using FeedbackConsole.Core.Features.Releases.EvalSuites;
using FeedbackConsole.E2E.Infrastructure;
using FeedbackConsole.E2E.Pages;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace FeedbackConsole.E2E.Scenarios;

/// <summary>
/// A Lead looks at the eval suite, builds a candidate, runs its gate in the background, sees the regression and the
/// diff, overrides the failed gate with a reason and promotes the release to live.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class ReleasesScenarioTests(BrowserFixture browser)
{
    private const string LeadEmail = "lena.releases@example.test";
    private const string LeadPassword = "lena has a long passphrase";

    private sealed record Seeded(Guid Kb, long SourceCase);

    /// <summary>A facts knowledge base with release 1 live (refunds, shipping), then approved changes: refunds corrected from a case, shipping retired.</summary>
    private static async Task<Seeded> SeedAsync(ConsoleServer app, string leadId)
    {
        var services = app.Factory.Services;
        var ct = TestContext.Current.CancellationToken;
        var now = DateTimeOffset.UtcNow;
        var appId = Guid.NewGuid();
        var kbId = Guid.NewGuid();
        Guid refund;
        Guid shipping;
        long caseId;
        await using (var db = await services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>().CreateDbContextAsync(ct))
        {
            db.Applications.Add(new Application { Id = appId, Name = "Acme Support Assistant", CreatedAt = now });
            db.KnowledgeBases.Add(new Core.Domain.KnowledgeBase
            {
                Id = kbId, ApplicationId = appId, Key = "support-facts", Name = "Support facts", Kind = KnowledgeBaseKind.Facts, GateK = 3, MinRecallAtK = 0.5,
                CreatedAt = now, UpdatedAt = now, Version = Guid.NewGuid(),
            });
            refund = AddEntry(db, kbId, leadId, "Refund window", "Refunds are accepted within 14 days of delivery, with the receipt.", now);
            shipping = AddEntry(db, kbId, leadId, "Shipping times", "Parcels ship within two working days from our warehouse.", now);
            AddEntry(db, kbId, leadId, "Gift cards", "Gift cards never expire and can be used online.", now);
            var turn = new Interaction
            {
                ApplicationId = appId, ExternalId = "turn-1", EndUserId = "u-1", Input = "How many days do I have to ask for a refund?",
                Output = "You have 14 days.", OccurredAt = now, ReceivedAt = now, UpdatedAt = now, ContentHash = "turn-1",
            };
            db.Interactions.Add(turn);
            await db.SaveChangesAsync(ct);
            var kase = new Case
            {
                ApplicationId = appId, InteractionId = turn.Id, Status = CaseStatus.Approved, FirstSignalAt = now, LastSignalAt = now, CreatedAt = now,
                UpdatedAt = now, Version = Guid.NewGuid(),
            };
            db.Cases.Add(kase);
            await db.SaveChangesAsync(ct);
            caseId = kase.Id;
        }

        await using (var scope = services.CreateAsyncScope())
        {
            var built = await scope.ServiceProvider.GetRequiredService<BuildCandidate>().HandleAsync(kbId, "The first facts.", leadId, ct);
            Assert.True(built.Succeeded, built.Error);
            await using var db = await services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>().CreateDbContextAsync(ct);
            await db.Releases.Where(r => r.Id == built.Value!.ReleaseId)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, ReleaseState.Gated).SetProperty(r => r.Gate, GateOutcome.Passed), ct);
            var live = await scope.ServiceProvider.GetRequiredService<PromoteRelease>().HandleAsync(built.Value!.ReleaseId, PromotionTarget.Live, leadId, ct);
            Assert.True(live.Succeeded, live.Error);

            var save = scope.ServiceProvider.GetRequiredService<SaveEvalCase>();
            foreach (var (name, query, entry) in new[] { ("Refund window", "how long is the refund window", refund), ("Shipping", "when do parcels ship", shipping) })
            {
                var saved = await save.HandleAsync(kbId, null, new EvalCaseDraft(EvalCaseKind.Retrieval, name, query, [entry], null, null, null, null), leadId, ct);
                Assert.True(saved.Succeeded, saved.Error);
            }

            var text = await save.HandleAsync(kbId, null, new EvalCaseDraft(EvalCaseKind.Retrieval, "Gift cards expire?", "do gift cards expire", [], "never expire", null, null, null), leadId, ct);
            Assert.True(text.Succeeded, text.Error);
        }

        await using (var db = await services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>().CreateDbContextAsync(ct))
        {
            Revise(db, refund, 2, RevisionChange.Update, "Refund window", "Refunds are accepted within 30 days of delivery, with the receipt.", leadId, now, caseId);
            Revise(db, shipping, 2, RevisionChange.Retire, "Shipping times", "", leadId, now, null);
            await db.SaveChangesAsync(ct);
        }

        return new Seeded(kbId, caseId);
    }

    private static Guid AddEntry(FeedbackDbContext db, Guid kbId, string authorId, string title, string content, DateTimeOffset now)
    {
        var entry = new KnowledgeEntry { Id = Guid.NewGuid(), KnowledgeBaseId = kbId, Title = title, CreatedById = authorId, CreatedAt = now, UpdatedAt = now };
        db.KnowledgeEntries.Add(entry);
        Revise(db, entry, 1, RevisionChange.Create, title, content, authorId, now, null);
        return entry.Id;
    }

    private static void Revise(FeedbackDbContext db, Guid entryId, int number, RevisionChange change, string title, string content, string authorId, DateTimeOffset now, long? caseId) =>
        Revise(db, db.KnowledgeEntries.Local.FirstOrDefault(e => e.Id == entryId) ?? db.KnowledgeEntries.First(e => e.Id == entryId), number, change, title, content, authorId, now, caseId);

    private static void Revise(FeedbackDbContext db, KnowledgeEntry entry, int number, RevisionChange change, string title, string content, string authorId, DateTimeOffset now, long? caseId)
    {
        var revision = new EntryRevision
        {
            Id = Guid.NewGuid(), EntryId = entry.Id, KnowledgeBaseId = entry.KnowledgeBaseId, Number = number, Change = change, State = RevisionState.Approved,
            Title = title, Content = content, Summary = "seed", AuthorId = authorId, ReviewerId = authorId, CreatedAt = now, ReviewedAt = now,
            Sources = caseId is { } c ? [new RevisionSource { CaseId = c }] : [],
        };
        db.EntryRevisions.Add(revision);
        entry.ApprovedRevisionId = revision.Id;
        entry.LatestRevisionNumber = number;
        entry.IsRetired = change == RevisionChange.Retire;
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Lead_BuildsGatesOverridesAndPromotes_ACandidate(string provider)
    {
        await using var app = await ConsoleServer.StartAsync(provider);
        var lead = await app.Factory.CreateUserAsync(LeadEmail, LeadPassword, Roles.Lead);
        var seeded = await SeedAsync(app, lead.Id);
        await using var session = await browser.NewSessionAsync(app, 1280, 900);
        var login = new LoginPage(session);
        await login.GotoAsync();
        await login.SignInAsync(LeadEmail, LeadPassword);

        var eval = new EvalSuitePage(session);
        await eval.GotoAsync(seeded.Kb);
        await Expect(eval.Rows).ToHaveCountAsync(3);
        await Expect(eval.Rows.First).ToContainTextAsync("Gift cards expire?");
        await session.ScreenshotAsync("80-eval-suite");

        var releases = new ReleasesPage(session);
        await releases.GotoAsync(seeded.Kb);
        await Expect(releases.PendingChanges).ToHaveTextAsync("2");
        await Expect(releases.Rows).ToHaveCountAsync(1);
        await session.ScreenshotAsync("81-releases");
        await releases.BuildAsync("Refund window is now 30 days; shipping entry retired.");

        var release = new ReleasePage(session);
        await Expect(release.Heading(2)).ToBeVisibleAsync();
        await Expect(release.State).ToHaveTextAsync("Candidate");
        await Expect(release.Button("Promote to live")).ToBeDisabledAsync();
        await release.Button("Run gate").ClickAsync();
        await Expect(release.GateResult).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Expect(release.Gate).ToHaveTextAsync("Gate failed");
        await Expect(release.RegressionCount).ToHaveTextAsync("1");
        await Expect(release.RegressionRows).ToHaveCountAsync(1);
        await Expect(release.RegressionRows.First).ToContainTextAsync("Shipping");
        await Expect(release.GateResult).ToContainTextAsync($"Fixes case #{seeded.SourceCase}");
        await Expect(release.DiffRows).ToHaveCountAsync(2);
        await release.DiffRows.Filter(new() { HasText = "Refund window" }).GetByRole(Microsoft.Playwright.AriaRole.Button).ClickAsync();
        await Expect(release.EntryDiff.Locator("del")).ToHaveTextAsync("14");
        await Expect(release.EntryDiff.Locator("ins")).ToHaveTextAsync("30");
        await release.TidyForScreenshotAsync();
        await session.ScreenshotAsync("82-release-gate-failed");

        await release.Button("Override gate…").ClickAsync();
        await release.GiveReasonAsync("Shipping is moving to the logistics knowledge base this week.", "Override gate");
        await Expect(release.Gate).ToHaveTextAsync("Gate overridden");
        await release.Button("Promote to live").ClickAsync();
        await release.ConfirmAsync("Promote to live");
        await Expect(release.State).ToHaveTextAsync("Live");
        await release.TidyForScreenshotAsync();
        await session.ScreenshotAsync("83-release-live");

        var ct = TestContext.Current.CancellationToken;
        await using var db = await app.Factory.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>().CreateDbContextAsync(ct);
        Assert.Equal(CaseStatus.Released, await db.Cases.Where(c => c.Id == seeded.SourceCase).Select(c => c.Status).FirstAsync(ct));
        Assert.Empty(session.PageErrors);
    }
}
