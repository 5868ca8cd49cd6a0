using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Enrichment;
using FeedbackConsole.E2E.Infrastructure;
using FeedbackConsole.E2E.Pages;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace FeedbackConsole.E2E.Scenarios;

/// <summary>A reviewer sees the biggest near-duplicate problems first and opens one in the queue.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class ClustersScenarioTests(BrowserFixture browser)
{
    private const string ReviewerEmail = "cleo.clusters@example.test";
    private const string ReviewerPassword = "cleo has a long passphrase";

    /// <summary>
    /// Complaints through the real enrichment pipeline: four about the refund window (three people), two about a rude
    /// courier (four people), one alone.
    /// </summary>
    private static async Task<(Guid Shop, Guid Quiet)> SeedAsync(ConsoleServer app)
    {
        var services = app.Factory.Services;
        await using (var db = await services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>().CreateDbContextAsync())
        {
            var shop = new Application { Id = Guid.NewGuid(), Name = "Acme Support Assistant", CreatedAt = DateTimeOffset.UtcNow };
            var quiet = new Application { Id = Guid.NewGuid(), Name = "Internal HR Copilot", CreatedAt = DateTimeOffset.UtcNow };
            db.Applications.AddRange(shop, quiet);
            await db.SaveChangesAsync();
            (string Input, string Feedback, string User)[] complaints =
            [
                ("What is the refund window?", "The refund window is 30 days, not 14.", "u-1"),
                ("what is the refund window", "Wrong: the refund window is 30 days not 14", "u-2"),
                ("What's the refund window?", "the refund window is 30 days not 14 days", "u-3"),
                ("What is the refund window for my order?", "The refund window is 30 days, not 14!", "u-1"),
                ("Where is my parcel?", "The courier was rude to me on the phone and hung up.", "u-4"),
                ("Where is my parcel??", "The courier was rude to me on the phone and then hung up", "u-5"),
                ("Can I pay with an [iban]?", "It never says which banks are supported.", "u-6"),
            ];
            var now = DateTimeOffset.UtcNow;
            for (var i = 0; i < complaints.Length; i++)
            {
                var (input, feedback, user) = complaints[i];
                var turn = new Interaction
                {
                    ApplicationId = shop.Id, ExternalId = $"t-{i}", ConversationId = $"c-{i}", EndUserId = user, Input = input, Output = "Returns are accepted within 14 days.",
                    OccurredAt = now.AddHours(-i), ReceivedAt = now, UpdatedAt = now, ContentHash = $"t-{i}",
                };
                db.Interactions.Add(turn);
                await db.SaveChangesAsync();
                db.Signals.AddRange(
                    new Signal { ApplicationId = shop.Id, ExternalId = $"s-{i}", InteractionExternalId = turn.ExternalId, InteractionId = turn.Id, EndUserId = user, Kind = SignalKind.Correction, Text = feedback, OccurredAt = turn.OccurredAt.AddMinutes(1), ReceivedAt = now, ContentHash = $"s-{i}" },
                    new Signal { ApplicationId = shop.Id, ExternalId = $"d-{i}", InteractionExternalId = turn.ExternalId, InteractionId = turn.Id, EndUserId = user, Kind = SignalKind.Rating, Rating = 1, Dimension = "accuracy", OccurredAt = turn.OccurredAt.AddMinutes(1), ReceivedAt = now, ContentHash = $"d-{i}" });
            }

            // The courier complaints drew more people: two more thumbs down on the first, from people who did not write.
            var courier = await db.Interactions.SingleAsync(t => t.ExternalId == "t-4");
            foreach (var other in new[] { "u-7", "u-8" })
            {
                db.Signals.Add(new Signal { ApplicationId = shop.Id, ExternalId = $"x-{other}", InteractionExternalId = "t-4", InteractionId = courier.Id, EndUserId = other, Kind = SignalKind.Thumb, ThumbUp = false, OccurredAt = now, ReceivedAt = now, ContentHash = $"x-{other}" });
            }

            await db.SaveChangesAsync();
            var pipeline = services.GetRequiredService<EnrichmentPipeline>();
            while (await pipeline.RunOnceAsync() > 0)
            {
            }

            return (shop.Id, quiet.Id);
        }
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Reviewer_SeesBiggestClustersFirst_AndOpensOneInTheQueue(string provider)
    {
        await using var app = await ConsoleServer.StartAsync(provider);
        var (_, quiet) = await SeedAsync(app);
        await app.Factory.CreateUserAsync(ReviewerEmail, ReviewerPassword, Roles.Reviewer);
        await using var reviewer = await browser.NewSessionAsync(app);
        await reviewer.Page.SetViewportSizeAsync(1280, 800);
        var login = new LoginPage(reviewer);
        await login.GotoAsync();
        await login.SignInAsync(ReviewerEmail, ReviewerPassword);

        var clusters = new ClustersPage(reviewer);
        await clusters.GotoAsync();
        await Expect(clusters.Rows).ToHaveCountAsync(3);
        var first = clusters.Rows.First;
        await Expect(first).ToContainTextAsync("What is the refund window?");
        await Expect(first.GetByRole(Microsoft.Playwright.AriaRole.Cell).Nth(1)).ToHaveTextAsync("4");
        await Expect(first.GetByRole(Microsoft.Playwright.AriaRole.Cell).Nth(2)).ToHaveTextAsync("3"); // u-1 complained twice
        await Expect(first).ToContainTextAsync("Factual error");
        await Expect(clusters.Rows.Nth(1)).ToContainTextAsync("courier was rude");
        await reviewer.ScreenshotAsync("70-clusters");

        await clusters.SortButton("End users").ClickAsync();
        await Expect(clusters.Rows.First).ToContainTextAsync("courier was rude");
        await Expect(clusters.Rows.First.GetByRole(Microsoft.Playwright.AriaRole.Cell).Nth(2)).ToHaveTextAsync("4");
        await reviewer.ScreenshotAsync("72-clusters-by-reach");
        await clusters.SortButton("Cases").ClickAsync();
        await Expect(clusters.Rows.First).ToContainTextAsync("refund window");

        var ct = TestContext.Current.CancellationToken;
        await using (var db = await app.Factory.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>().CreateDbContextAsync(ct))
        {
            var refund = await db.CaseClusters.OrderByDescending(c => c.CaseCount).FirstAsync(ct);
            await clusters.Rows.First.GetByRole(Microsoft.Playwright.AriaRole.Link).ClickAsync();
            await Expect(reviewer.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/triage\\?cluster={refund.Id}$"));
        }

        await clusters.GotoAsync($"?app={quiet}");
        await Expect(clusters.EmptyHeading("No clusters yet")).ToBeVisibleAsync();
        await reviewer.ScreenshotAsync("71-clusters-empty");
        Assert.Empty(reviewer.PageErrors);
    }
}
