using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.E2E.Infrastructure;
using FeedbackConsole.E2E.Pages;
using FeedbackConsole.Tests.Shared;
using FeedbackConsole.Tests.Shared.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace FeedbackConsole.E2E.Scenarios;

/// <summary>An admin adds a failure mode, gives it a rule while watching the preview count, and retires it.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class TaxonomyScenarioTests(BrowserFixture browser)
{
    /// <summary>Ten comments, three about the warranty, straight into the database.</summary>
    private static async Task SeedSignalsAsync(ConsoleServer app)
    {
        await using var db = await app.Factory.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>().CreateDbContextAsync();
        var application = new Application { Id = Guid.NewGuid(), Name = "Acme Support Assistant", CreatedAt = DateTimeOffset.UtcNow };
        db.Applications.Add(application);
        string[] texts =
        [
            "The warranty is two years, not one", "Wrong warranty period", "what about the warranties on refurbished items?",
            "Too long", "rude", "not what I asked", "thanks", "outdated price", "no answer", "please shorter",
        ];
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < texts.Length; i++)
        {
            db.Signals.Add(new Signal
            {
                ApplicationId = application.Id, ExternalId = $"c-{i}", InteractionExternalId = $"t-{i}", Kind = SignalKind.Comment, Text = texts[i],
                OccurredAt = now, ReceivedAt = now, ContentHash = $"c-{i}",
            });
        }

        await db.SaveChangesAsync();
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AdminAddsAModeAndARule_SeesThePreviewCount_ThenRetiresIt(string provider)
    {
        await using var app = await ConsoleServer.StartAsync(provider);
        await SeedSignalsAsync(app);
        await using var admin = await browser.NewSessionAsync(app);
        await admin.Page.SetViewportSizeAsync(1280, 800);
        var login = new LoginPage(admin);
        await login.GotoAsync();
        await login.SignInAsync(ConsoleAppFactory.AdminEmail, ConsoleAppFactory.AdminPassword);

        var taxonomy = new TaxonomyPage(admin);
        await taxonomy.GotoAsync();
        await Expect(taxonomy.Node("Factual error")).ToBeVisibleAsync();
        await taxonomy.SelectAsync("Factual error");
        await Expect(taxonomy.RulesTable).ToContainTextAsync("Low accuracy rating");
        await admin.ScreenshotAsync("60-taxonomy");

        await taxonomy.SelectAsync("Factual");
        await taxonomy.AddModeBelowAsync("Factual", "factual.warranty", "Wrong warranty terms", "States a warranty the shop does not give.");
        await Expect(taxonomy.Node("Wrong warranty terms")).ToBeVisibleAsync();
        await Expect(admin.Page.GetByText("No rules.")).ToBeVisibleAsync();

        var rule = await taxonomy.OpenAddRuleAsync("Wrong warranty terms");
        await rule.Name.FillAsync("Comment mentions the warranty");
        await rule.Pattern.FillAsync("warrant(y|ies");
        await Expect(rule.Preview).ToContainTextAsync("not a valid regular expression");
        await rule.Pattern.FillAsync(@"\bwarrant(y|ies)\b");
        await Expect(rule.Preview).ToContainTextAsync("This rule matches 3 of the last 10 signals.");
        await admin.ScreenshotAsync("61-taxonomy-rule-preview", fullPage: false);
        await rule.SaveAsync();
        await Expect(taxonomy.RulesTable).ToContainTextAsync("Comment mentions the warranty");
        await Expect(taxonomy.RulesTable).ToContainTextAsync(@"text matches /\bwarrant(y|ies)\b/");

        await taxonomy.RetireSelectedAsync("Wrong warranty terms");
        await Expect(admin.Page.GetByText("Retired: enrichment does not suggest it")).ToBeVisibleAsync();
        await Expect(taxonomy.Button("Restore")).ToBeVisibleAsync();
        await admin.ScreenshotAsync("62-taxonomy-retired");

        var ct = TestContext.Current.CancellationToken;
        await using var db = await app.Factory.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>().CreateDbContextAsync(ct);
        var actions = await db.AuditEvents.Where(e => e.EntityType == "failure_mode" || e.EntityType == "failure_mode_rule")
            .OrderBy(e => e.Id).Select(e => e.Action).ToListAsync(ct);
        Assert.Equal(["failure_mode.created", "rule.created", "failure_mode.retired"], actions);
        Assert.NotNull((await db.FailureModes.SingleAsync(m => m.Key == "factual.warranty", ct)).RetiredAt);
        Assert.Empty(admin.PageErrors);
    }
}
