using System.Diagnostics;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Impact;
using FeedbackConsole.E2E.Infrastructure;
using FeedbackConsole.E2E.Pages;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FeedbackConsole.E2E.Scenarios;

/// <summary>
/// A lead opens the impact dashboard over four weeks in which a correction to the refund policy went Live halfway:
/// the charts draw with the basic Plotly bundle, the negative rate falls after the release marker, filters go into
/// the address, each chart offers its CSV, and the correction's own page shows its use and satisfaction.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class ImpactScenarioTests(BrowserFixture browser)
{
    private const string LeadEmail = "lina.lead@example.test";
    private const string LeadPassword = "lina has a long passphrase";
    private const int Days = 28;

    private sealed record Seeded(Guid App, Guid Revision, long Case);

    /// <summary>
    /// 28 days of traffic ending yesterday: refund questions get 35 % thumbs down (factual.outdated) until a correction
    /// goes Live on day 14, then 10 %; shipping questions stay at 20 % (tone.inappropriate); a newer model from day 10.
    /// </summary>
    private static async Task<Seeded> SeedAsync(ConsoleServer app)
    {
        var services = app.Factory.Services;
        var random = new Random(7);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var start = new DateTimeOffset(today.AddDays(-Days).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var releaseAt = start.AddDays(14).AddHours(10);
        var author = await app.Factory.CreateUserAsync("rita.reviewer@example.test", "rita has a long passphrase", Roles.Reviewer);
        await using var db = await services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>().CreateDbContextAsync();
        var shop = new Application { Id = Guid.NewGuid(), Name = "Acme Support Assistant", CreatedAt = start.AddDays(-1) };
        db.Applications.Add(shop);
        var modes = await db.FailureModes.Where(m => m.Key == "factual.outdated" || m.Key == "tone.inappropriate").ToDictionaryAsync(m => m.Key, m => m.Id);
        var kb = new KnowledgeBase { Id = Guid.NewGuid(), ApplicationId = shop.Id, Key = "support-facts", Name = "Support facts", Kind = KnowledgeBaseKind.Facts, CreatedAt = start, UpdatedAt = start, Version = Guid.NewGuid() };
        var entry = new KnowledgeEntry { Id = Guid.NewGuid(), KnowledgeBaseId = kb.Id, Title = "Refund window is 30 days", CreatedById = author.Id, CreatedAt = start, UpdatedAt = start };
        db.AddRange(kb, entry);
        await db.SaveChangesAsync();

        var n = 0;
        long firstRefundCase = 0;
        for (var day = 0; day < Days; day++)
        {
            for (var i = 0; i < 36; i++)
            {
                var at = start.AddDays(day).AddMinutes(30 + random.Next(23 * 60));
                var refund = i % 2 == 0;
                var afterRelease = at > releaseAt;
                var turn = new Interaction
                {
                    ApplicationId = shop.Id, ExternalId = $"t-{n}", EndUserId = $"u-{random.Next(200)}", UserRole = i % 3 == 0 ? "agent" : "customer",
                    TaskType = refund ? "refund" : "shipping", Channel = i % 4 == 0 ? "mobile" : "web", Locale = "en-GB",
                    ModelVersion = day < 10 ? "model-2025-06" : "model-2025-09", PromptVersion = day < 20 ? "p12" : "p13",
                    UsedEntryIds = refund && afterRelease ? [entry.Id.ToString()] : [], Input = refund ? "How long do I have to return an item?" : "Where is my parcel?",
                    Output = "…", OccurredAt = at, ReceivedAt = at, UpdatedAt = at, EnrichedAt = at, ContentHash = $"t-{n}",
                };
                db.Interactions.Add(turn);
                await db.SaveChangesAsync();
                var negative = random.NextDouble() < (refund ? (afterRelease ? 0.10 : 0.35) : 0.20);
                var signalAt = at.AddMinutes(1);
                db.Signals.Add(new Signal
                {
                    ApplicationId = shop.Id, ExternalId = $"s-{n}", InteractionExternalId = turn.ExternalId, InteractionId = turn.Id, EndUserId = turn.EndUserId, Kind = SignalKind.Thumb,
                    ThumbUp = !negative, OccurredAt = signalAt, ReceivedAt = signalAt, EnrichedAt = signalAt, ContentHash = $"s-{n}",
                });
                if (random.Next(3) == 0)
                {
                    db.Signals.Add(new Signal
                    {
                        ApplicationId = shop.Id, ExternalId = $"c-{n}", InteractionExternalId = turn.ExternalId, InteractionId = turn.Id, EndUserId = turn.EndUserId,
                        Kind = negative ? SignalKind.Regenerate : SignalKind.Copy, OccurredAt = signalAt.AddSeconds(20), ReceivedAt = signalAt, EnrichedAt = signalAt.AddSeconds(20), ContentHash = $"c-{n}",
                    });
                }

                if (negative)
                {
                    var triaged = random.Next(5) > 0 ? at.AddHours(1 + random.Next(30)) : (DateTimeOffset?)null;
                    var resolved = triaged is { } t && random.Next(2) == 0 ? t.AddHours(4 + random.Next(60)) : (DateTimeOffset?)null;
                    var kase = new Case
                    {
                        ApplicationId = shop.Id, InteractionId = turn.Id, Status = resolved is null ? (triaged is null ? CaseStatus.New : CaseStatus.Labeled) : CaseStatus.Dismissed,
                        CreatedAt = signalAt, UpdatedAt = resolved ?? triaged ?? signalAt, FirstSignalAt = signalAt, LastSignalAt = signalAt, TriagedAt = triaged, ResolvedAt = resolved,
                        Version = Guid.NewGuid(), SignalCount = 1, NegativeCount = 1, ThumbsDown = 1, UserRole = turn.UserRole, TaskType = turn.TaskType, ModelVersion = turn.ModelVersion,
                    };
                    db.Cases.Add(kase);
                    await db.SaveChangesAsync();
                    db.CaseFailureModes.Add(new CaseFailureMode { CaseId = kase.Id, FailureModeId = modes[refund ? "factual.outdated" : "tone.inappropriate"], Confirmed = triaged is not null, Reason = "" });
                    if (refund && firstRefundCase == 0)
                    {
                        firstRefundCase = kase.Id;
                    }
                }

                n++;
            }

            await db.SaveChangesAsync();
        }

        var revision = new EntryRevision
        {
            Id = Guid.NewGuid(), EntryId = entry.Id, KnowledgeBaseId = kb.Id, Number = 1, Change = RevisionChange.Create, State = RevisionState.Approved,
            Title = entry.Title, Content = "You can return an item within 30 days of delivery.", Summary = "The policy changed in March.", AuthorId = author.Id,
            CreatedAt = releaseAt.AddDays(-2), Sources = [new RevisionSource { CaseId = firstRefundCase }],
        };
        var release = new Release
        {
            Id = Guid.NewGuid(), KnowledgeBaseId = kb.Id, Number = 3, State = ReleaseState.Live, CreatedById = author.Id, CreatedAt = releaseAt.AddHours(-2), LiveAt = releaseAt,
            EntryCount = 1, AddedCount = 1, Gate = GateOutcome.Passed, Version = Guid.NewGuid(),
        };
        entry.ApprovedRevisionId = revision.Id;
        kb.LiveReleaseId = release.Id;
        db.AddRange(revision, release, new ReleaseEntry { ReleaseId = release.Id, EntryId = entry.Id, RevisionId = revision.Id });
        for (var hour = releaseAt; hour < start.AddDays(Days); hour = hour.AddHours(6))
        {
            db.EntryServingTallies.Add(new EntryServingTally
            {
                ReleaseId = release.Id, EntryId = entry.Id, RevisionId = revision.Id, KnowledgeBaseId = kb.Id, ApplicationId = shop.Id,
                Hour = new DateTimeOffset(hour.Year, hour.Month, hour.Day, hour.Hour, 0, 0, TimeSpan.Zero), Count = 5 + random.Next(10),
            });
        }

        // What the notifier wrote when the release went Live: three end users told about the case's fix.
        foreach (var user in new[] { "u-ann", "u-bo", "u-cy" })
        {
            db.Notifications.Add(new Notification
            {
                PublicId = Guid.NewGuid(), ApplicationId = shop.Id, EndUserId = user, Kind = NotificationKind.Released,
                TriggerKey = $"released:{release.Id}:{firstRefundCase}", CaseId = firstRefundCase,
                Feedback = "The refund window was wrong.", Outcome = "Corrected in support-facts v3.", CreatedAt = releaseAt,
            });
        }

        await db.SaveChangesAsync();
        await services.GetRequiredService<ImpactRollup>().RefreshAsync();
        return new Seeded(shop.Id, revision.Id, firstRefundCase);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Lead_SeesNegativeRateFallAfterTheRelease_FiltersByAddress_AndOpensTheCorrection(string provider)
    {
        await using var app = await ConsoleServer.StartAsync(provider);
        var seeded = await SeedAsync(app);
        await app.Factory.CreateUserAsync(LeadEmail, LeadPassword, Roles.Lead);
        await using var lead = await browser.NewSessionAsync(app);
        await lead.Page.SetViewportSizeAsync(1280, 900);
        var scripts = new List<string>();
        lead.Page.Request += (_, request) =>
        {
            if (request.Url.Contains("plotly", StringComparison.OrdinalIgnoreCase))
            {
                lock (scripts)
                {
                    scripts.Add(request.Url);
                }
            }
        };
        var login = new LoginPage(lead);
        await login.GotoAsync();
        await login.SignInAsync(LeadEmail, LeadPassword);

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var query = $"?app={seeded.App}&from={today.AddDays(-Days):yyyy-MM-dd}&to={today.AddDays(-1):yyyy-MM-dd}";
        var impact = new ImpactPage(lead);
        var clock = Stopwatch.StartNew();
        await impact.GotoAsync(query);
        await Expect(impact.Plot("Negative rate over time, with releases")).ToBeVisibleAsync();
        var interactive = clock.Elapsed;
        TestContext.Current.TestOutputHelper?.WriteLine($"Impact dashboard interactive with its charts drawn after {interactive.TotalMilliseconds:0} ms ({provider}).");

        await Expect(impact.ApplicationInput).ToHaveValueAsync("Acme Support Assistant"); // the name, not the id
        await lead.ScreenshotAsync("90-impact-1280");

        // The release marker and its label, the failure-mode lines, and only the basic bundle.
        var rate = impact.Chart("Negative rate over time, with releases");
        await Expect(rate).ToContainTextAsync("support-facts v3");
        await Expect(rate).ToContainTextAsync("factual.outdated");
        await Expect(impact.Plot("Failure modes (Pareto)")).ToBeVisibleAsync();
        await Expect(impact.Plot("Time to triage and to resolve")).ToBeVisibleAsync();
        var corrections = impact.Chart("Corrections released and end users notified");
        // The notified series is drawn (its legend entry), from the notifier's rows.
        await Expect(corrections.Locator(".legendtext", new() { HasText = "end users notified" })).ToBeVisibleAsync();
        await Expect(corrections).Not.ToContainTextAsync("not recorded");
        await Expect(impact.Plot("Negative rate per model version")).ToBeVisibleAsync();
        lock (scripts)
        {
            Assert.Contains(scripts, s => s.Contains("plotly-basic-", StringComparison.Ordinal));
            Assert.DoesNotContain(scripts, s => s.Contains("/plotly-3.", StringComparison.Ordinal));
        }

        // Each chart's CSV is a download of its data.
        var csv = await impact.CsvLink("Negative rate over time, with releases").GetAttributeAsync("href");
        var text = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(csv!.Split(',')[1]));
        Assert.StartsWith("day_utc,negative_rate,negative_rate_factual.outdated", text, StringComparison.Ordinal);
        Assert.Contains("support-facts v3", text, StringComparison.Ordinal);

        await Expect(impact.TopCorrections).ToContainTextAsync("Refund window is 30 days");

        // A filter goes into the address, so the view can be shared.
        await impact.Filter("Role").ClickAsync();
        await lead.Page.GetByRole(AriaRole.Option, new() { Name = "agent", Exact = true }).ClickAsync();
        await Expect(lead.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("role=agent"));
        await Expect(impact.Plot("Signal volume by kind")).ToBeVisibleAsync();

        // Phone width.
        await lead.Page.SetViewportSizeAsync(390, 844);
        await impact.GotoAsync(query);
        await Expect(impact.Plot("Negative rate over time, with releases")).ToBeVisibleAsync();
        await Expect(impact.ApplicationInput).ToHaveValueAsync("Acme Support Assistant");
        await lead.ScreenshotAsync("91-impact-390");
        await lead.ScreenshotAsync("91-impact-390-top", fullPage: false);
        await impact.Chart("Negative rate over time, with releases").ScrollIntoViewIfNeededAsync();
        await lead.ScreenshotAsync("91-impact-390-chart", fullPage: false);

        // The correction's own page, from the dashboard.
        await lead.Page.SetViewportSizeAsync(1280, 900);
        await impact.GotoAsync(query);
        await impact.TopCorrections.GetByRole(AriaRole.Link, new() { Name = "Refund window is 30 days" }).ClickAsync();
        await Expect(lead.Page.GetByRole(AriaRole.Heading, new() { Name = "Refund window is 30 days", Level = 1 })).ToBeVisibleAsync();
        await Expect(lead.Page.GetByTestId("released-in")).ToHaveTextAsync("support-facts v3");
        await Expect(lead.Page.GetByTestId("notifications-sent")).ToHaveTextAsync("3");
        await Expect(lead.Page.Locator("[data-testid=chart-served] .main-svg").First).ToBeVisibleAsync();
        await Expect(lead.Page.GetByRole(AriaRole.Link, new() { Name = $"#{seeded.Case}" })).ToBeVisibleAsync();
        await lead.ScreenshotAsync("92-correction-impact");

        // And from its case.
        await lead.GotoInteractiveAsync($"/cases/{seeded.Case}");
        await Expect(lead.Page.GetByRole(AriaRole.Link, new() { Name = "Impact of the correction Refund window is 30 days" })).ToBeVisibleAsync();
        Assert.Empty(lead.PageErrors);
    }
}
