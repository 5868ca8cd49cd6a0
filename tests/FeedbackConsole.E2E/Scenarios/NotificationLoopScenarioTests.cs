using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.KnowledgeBases;
using FeedbackConsole.Core.Features.KnowledgeBases.Revisions;
using FeedbackConsole.Core.Features.Releases;
using FeedbackConsole.Core.Features.Releases.EvalSuites;
using FeedbackConsole.Core.Features.Releases.Gates;
using FeedbackConsole.E2E.Infrastructure;
using FeedbackConsole.E2E.Pages;
using FeedbackConsole.Tests.Shared;
using FeedbackConsole.Tests.Shared.Notifications;
using FeedbackConsole.Tests.Shared.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FeedbackConsole.E2E.Scenarios;

/// <summary>
/// Issue 7's whole loop in a browser: an end user's correction is ingested over the API, a reviewer triages the case and
/// proposes a correction, another approves it, a Lead releases it — and the end user receives the email (a real SMTP
/// server in the test), sees it on their page behind the link in it, and the application's endpoint gets the signed webhooks.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed partial class NotificationLoopScenarioTests(BrowserFixture browser)
{
    private const string Password = "notification loop password long enough";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<T> RunAsync<THandler, T>(ConsoleServer app, Func<THandler, Task<T>> call)
        where THandler : notnull
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        return await call(scope.ServiceProvider.GetRequiredService<THandler>());
    }

    /// <summary>An application, three people, and a facts base whose release 1 (refund window: 14 days) is live.</summary>
    private static async Task<(TestApplication Api, Guid Kb, Guid RefundEntry)> SeedAsync(ConsoleServer app)
    {
        var api = await app.Factory.CreateApplicationAsync("Acme Support Assistant");
        var seed = new CaseSeed(app.Factory.Services);
        var lena = await seed.UserAsync("lena@example.test", "Lena", Password, Roles.Lead);
        await seed.UserAsync("dana@example.test", "Dana", Password, Roles.Reviewer);
        var ben = await seed.UserAsync("ben@example.test", "Ben", Password, Roles.Reviewer);
        var kb = await RunAsync<CreateKnowledgeBase, Result<Guid>>(app, h => h.HandleAsync(new CreateKnowledgeBase.Request
        {
            ApplicationId = api.Id, Key = "support-facts", Name = "Support facts", Kind = KnowledgeBaseKind.Facts,
        }, lena, Ct));
        Assert.True(kb.Succeeded, kb.Error);
        var entries = new Dictionary<string, Guid>();
        foreach (var (title, content) in new[]
                 {
                     ("Shipping times", "Parcels leave our warehouse within 2 working days and arrive 1–3 days later."),
                     ("Refund window", "You can return any item within 14 days of delivery. Refunds are paid to your original payment method."),
                 })
        {
            var proposed = await RunAsync<ProposeRevision, Result<ProposeRevision.Outcome>>(app, h => h.HandleAsync(new ProposeRevision.Request
            {
                KnowledgeBaseId = kb.Value, Change = RevisionChange.Create, Content = new RevisionContent(title, content), Summary = "Initial policy text.",
            }, lena, Ct));
            Assert.True(proposed.Succeeded, proposed.Error);
            Assert.True((await RunAsync<RevisionDecisions, Result>(app, h => h.ApproveAsync(proposed.Value!.RevisionId, null, ben, Ct))).Succeeded);
            entries[title] = proposed.Value!.EntryId;
        }

        var saved = await RunAsync<SaveEvalCase, Result<Guid>>(app, h => h.HandleAsync(kb.Value, null,
            new EvalCaseDraft(EvalCaseKind.Retrieval, "Shipping", "when do parcels ship", [entries["Shipping times"]], null, null, null, null), lena, Ct));
        Assert.True(saved.Succeeded, saved.Error);
        var built = await RunAsync<BuildCandidate, Result<BuildCandidate.Built>>(app, h => h.HandleAsync(kb.Value, "The first facts.", lena, Ct));
        Assert.True(built.Succeeded, built.Error);
        Assert.True((await RunAsync<StartGateRun, Result<Guid>>(app, h => h.HandleAsync(built.Value!.ReleaseId, lena, Ct))).Succeeded);
        await seed.ReadAsync(async db =>
        {
            for (var i = 0; i < 200 && await db.Releases.AsNoTracking().Where(r => r.Id == built.Value!.ReleaseId).Select(r => r.Gate).FirstAsync(Ct) is null; i++)
            {
                await Task.Delay(100, Ct);
            }

            return 0;
        });
        var live = await RunAsync<PromoteRelease, Result>(app, h => h.HandleAsync(built.Value!.ReleaseId, PromotionTarget.Live, lena, Ct));
        Assert.True(live.Succeeded, live.Error);
        return (api, kb.Value, entries["Refund window"]);
    }

    /// <summary>What the application sends: Ann's turn (with her address, as she agreed to be contacted) and her correction.</summary>
    private static async Task IngestAsync(ConsoleServer app, string key, Guid refundEntry)
    {
        using var client = new HttpClient { BaseAddress = app.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var now = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O");
        var interactions = $$"""
            {"interactions":[{"id":"turn-1","conversationId":"conv-1","endUserId":"ann-42","endUserEmail":"ann@example.test",
              "input":"How many days do I have to return my kettle?","output":"You can return any item within 14 days of delivery.",
              "usedEntryIds":["{{refundEntry:D}}"],"occurredAt":"{{now}}"}]}
            """;
        var signals = $$"""
            {"signals":[{"id":"sig-1","interactionId":"turn-1","endUserId":"ann-42","kind":"thumb","value":"down","occurredAt":"{{now}}"},
              {"id":"sig-2","interactionId":"turn-1","endUserId":"ann-42","kind":"correction","text":"It is 30 days now, not 14.","occurredAt":"{{now}}"}]}
            """;
        foreach (var (path, body) in new[] { ("/api/v1/interactions", interactions), ("/api/v1/signals", signals) })
        {
            using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"), Ct);
            Assert.Equal(207, (int)response.StatusCode);
            Assert.DoesNotContain("rejected", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
    }

    private async Task<BrowserSession> SignInAsync(ConsoleServer app, string email, string password = Password, int width = 1280)
    {
        var session = await browser.NewSessionAsync(app, width: width, height: 900);
        var login = new LoginPage(session);
        await login.GotoAsync();
        await login.SignInAsync(email, password);
        return session;
    }

    [GeneratedRegex(@"https?://[^\s]+/my-feedback/[A-Za-z0-9_\-]+")]
    private static partial Regex PageLink();

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SignalToRelease_EndUserGetsTheEmail_SeesTheirPage_AndTheAppGetsSignedWebhooks(string provider)
    {
        await using var smtp = TestSmtpServer.Start();
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = await ConsoleServer.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Notifications:SmtpHost"] = "127.0.0.1", ["Notifications:SmtpPort"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Notifications:SmtpSecurity"] = "None", ["Notifications:PollInterval"] = "00:00:00.200",
            ["Notifications:FromAddress"] = "Acme Support <feedback@acme.example>",
        });
        var (api, kb, refundEntry) = await SeedAsync(app);
        var seed = new CaseSeed(app.Factory.Services);

        // The admin points the application's webhook at its backend (a local receiver, so private targets are allowed).
        await using var admin = await SignInAsync(app, ConsoleAppFactory.AdminEmail, ConsoleAppFactory.AdminPassword);
        var channels = new ChannelsPage(admin);
        await channels.GotoAsync(api.Id);
        await channels.WebhookUrl.FillAsync(receiver.Url);
        await channels.AllowPrivate.ClickAsync();
        await channels.Save.ClickAsync();
        await Expect(channels.NewSecret).ToContainTextAsync("whsec_");
        var secret = (await channels.NewSecret.TextContentAsync())!.Trim();
        await admin.ScreenshotAsync($"notifications-{provider}-channels");
        // The receiver checks signatures with the secret the console just showed, as the application's backend would.
        var verifySecret = secret;

        // Ann's correction arrives over the API; enrichment makes the case.
        await IngestAsync(app, api.Key, refundEntry);
        long caseId = 0;
        for (var i = 0; i < 100 && caseId == 0; i++)
        {
            caseId = await seed.ReadAsync(db => db.Cases.Where(c => c.ApplicationId == api.Id).Select(c => c.Id).FirstOrDefaultAsync(Ct));
            await Task.Delay(caseId == 0 ? 200 : 0, Ct);
        }

        Assert.NotEqual(0, caseId);

        // Dana triages it (confirms the first failure mode) and proposes the correction from the case.
        await using var dana = await SignInAsync(app, "dana@example.test");
        var casePage = new CasePage(dana);
        await casePage.GotoAsync(caseId);
        await casePage.WaitForShortcutsAsync();
        await casePage.PressAsync("1");
        await Expect(casePage.Status).ToHaveTextAsync("Labeled");
        await dana.Page.GetByRole(AriaRole.Link, new() { Name = "Propose correction" }).ClickAsync();
        var editor = new ProposeCorrectionPage(dana);
        await Expect(editor.Action("Revise “Refund window” (retrieved for this answer)")).ToBeCheckedAsync();
        await editor.Content.FillAsync("You can return any item within 30 days of delivery. Refunds are paid to your original payment method.");
        await editor.Summary.FillAsync("Returns are accepted for 30 days since the May policy change.");
        await editor.Submit.ClickAsync();
        await Expect(new RevisionPage(dana).State).ToHaveTextAsync("Proposed");

        // Ben approves; Lena builds, gates and promotes release 2.
        await using var ben = await SignInAsync(app, "ben@example.test");
        var approvals = new ApprovalsPage(ben);
        await approvals.GotoAsync();
        await approvals.Proposal("Refund window").ClickAsync();
        var revision = new RevisionPage(ben);
        await Expect(revision.Approve).ToBeEnabledAsync();
        await revision.Comment.FillAsync("Policy page of 1 May says 30 days.");
        await revision.Approve.ClickAsync();
        await Expect(revision.State).ToHaveTextAsync("Approved");
        await using var lena = await SignInAsync(app, "lena@example.test");
        var releases = new ReleasesPage(lena);
        await releases.GotoAsync(kb);
        await releases.BuildAsync("Refund window: 30 days.");
        var release = new ReleasePage(lena);
        await Expect(release.Heading(2)).ToBeVisibleAsync();
        await release.Button("Run gate").ClickAsync();
        await Expect(release.Gate).ToHaveTextAsync("Gate passed", new() { Timeout = 30_000 });
        await release.Button("Promote to live").ClickAsync();
        await release.ConfirmAsync("Promote to live");
        await Expect(release.State).ToHaveTextAsync("Live");
        Assert.Equal(CaseStatus.Released, await seed.ReadAsync(db => db.Cases.Where(c => c.Id == caseId).Select(c => c.Status).FirstAsync(Ct)));

        // Ann receives the email: from the configured sender, to her address, with the outcome and her page's link.
        var message = Assert.Single(await smtp.WaitForAsync(1, TimeSpan.FromSeconds(20)));
        Assert.Equal("ann@example.test", message.To.Mailboxes.Single().Address);
        Assert.Equal("feedback@acme.example", message.From.Mailboxes.Single().Address);
        Assert.Equal("Acme Support Assistant: your feedback led to a fix", message.Subject);
        Assert.Contains("It is 30 days now, not 14.", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("30 days of delivery", message.TextBody, StringComparison.Ordinal);
        Assert.NotNull(message.Headers["List-Unsubscribe"]);
        var delivery = await seed.ReadAsync(db => db.NotificationDeliveries.AsNoTracking().SingleAsync(d => d.Channel == DeliveryChannel.Email, Ct));
        Assert.Equal($"{delivery.Id:N}@feedbackconsole", message.MessageId);

        // The application's endpoint gets the signed webhooks: the new release, the resolved case and Ann's notification.
        for (var i = 0; i < 100 && receiver.Received.Count < 3; i++)
        {
            await Task.Delay(200, Ct);
        }

        var hooks = receiver.Received.ToList();
        Assert.All(hooks, h => Assert.True(WebhookReceiver.Verify(verifySecret, h.Id, h.Timestamp, h.Body, h.Signature), "signed with the console's secret"));
        var types = hooks.Select(h => JsonDocument.Parse(h.Body).RootElement.GetProperty("type").GetString()).Order().ToList();
        Assert.Equal(["case.resolved", "notification.created", "release.published"], types);

        // Ann opens her page from the link in the email — no account — and sees what came of her feedback.
        var link = new Uri(PageLink().Match(message.TextBody ?? "").Value);
        await using var ann = await browser.NewSessionAsync(app, width: 1280, height: 900);
        await ann.GotoStaticAsync(link.PathAndQuery);
        await Expect(ann.Page.GetByRole(AriaRole.Heading, new() { Name = "Your feedback to Acme Support Assistant", Level = 1 })).ToBeVisibleAsync();
        var update = ann.Page.GetByRole(AriaRole.Article, new() { Name = "Update" });
        await Expect(update).ToContainTextAsync("Fixed");
        await Expect(update).ToContainTextAsync("It is 30 days now, not 14.");
        await Expect(update).ToContainTextAsync("30 days of delivery");
        await Expect(ann.Page.GetByRole(AriaRole.Article, new() { Name = "Feedback" }).First).ToContainTextAsync("Fixed");
        await ann.ScreenshotAsync($"notifications-{provider}-end-user-page");
        await ann.Page.SetViewportSizeAsync(390, 844);
        await ann.ScreenshotAsync($"notifications-{provider}-end-user-page-phone");

        // She unsubscribes from email with the link in the List-Unsubscribe header: one click on the page it opens.
        var unsubscribe = new Uri(message.Headers["List-Unsubscribe"]!.Trim('<', '>'));
        await ann.GotoStaticAsync(unsubscribe.PathAndQuery);
        await Expect(ann.Page.GetByRole(AriaRole.Heading, new() { Name = "Unsubscribe?" })).ToBeVisibleAsync();
        await ann.ScreenshotAsync($"notifications-{provider}-unsubscribe-phone");
        await ann.Page.GetByRole(AriaRole.Button, new() { Name = "Unsubscribe" }).ClickAsync();
        await Expect(ann.Page.GetByRole(AriaRole.Heading, new() { Name = "You are unsubscribed" })).ToBeVisibleAsync();
        Assert.True(await seed.ReadAsync(db => db.EndUserPreferences.Where(p => p.EndUserId == "ann-42").Select(p => p.EmailOptOut).SingleAsync(Ct)));
        await ann.GotoStaticAsync(link.PathAndQuery);
        await Expect(ann.Page.GetByRole(AriaRole.Checkbox, new() { Name = "Email me when my feedback leads to a change" })).Not.ToBeCheckedAsync();

        // The outbox shows what was sent; the preview shows the email without sending it.
        var outbox = new OutboxPage(admin);
        await outbox.GotoAsync();
        await Expect(outbox.Rows).ToHaveCountAsync(4);
        await Expect(outbox.Rows.Filter(new() { HasText = "Dead-lettered" })).ToHaveCountAsync(0);
        await outbox.Rows.Filter(new() { HasText = "Email: correction released" }).GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
        await Expect(outbox.Preview).ToContainTextAsync("your feedback led to a fix");
        await admin.ScreenshotAsync($"notifications-{provider}-outbox");
        await admin.Page.SetViewportSizeAsync(390, 844);
        // The HTML body renders at phone width too (and is painted before the screenshot).
        await Expect(admin.Page.FrameLocator("iframe[title='HTML body']").GetByText("What we did:")).ToBeVisibleAsync();
        await admin.ScreenshotAsync($"notifications-{provider}-outbox-phone");
        await admin.Page.SetViewportSizeAsync(1280, 900);

        var templates = new TemplatesPage(admin);
        await templates.GotoAsync();
        await templates.Subject.FillAsync("{{application}}: we fixed what you reported");
        await Expect(templates.Preview).ToContainTextAsync("Acme Support Assistant: we fixed what you reported");
        await admin.ScreenshotAsync($"notifications-{provider}-templates");

        Assert.Empty(admin.PageErrors);
        Assert.Empty(dana.PageErrors);
        Assert.Empty(ben.PageErrors);
        Assert.Empty(lena.PageErrors);
        Assert.Empty(ann.PageErrors);
    }
}
