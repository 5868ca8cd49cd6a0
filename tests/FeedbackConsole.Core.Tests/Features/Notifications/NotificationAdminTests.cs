using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Notifications;
using FeedbackConsole.Core.Features.Triage.Cases;
using FeedbackConsole.Core.Tests.Features.KnowledgeBases.Runtime;
using FeedbackConsole.Core.Tests.Features.Releases;
using FeedbackConsole.Tests.Shared;
using FeedbackConsole.Tests.Shared.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Core.Tests.Features.Notifications;

/// <summary>What admins do with the outbox: retry, channels, templates; and the daily digest and release webhooks.</summary>
public sealed class NotificationAdminTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string?> Settings(int port, string maxAttempts = "8") => new()
    {
        ["Notifications:SmtpHost"] = "127.0.0.1", ["Notifications:SmtpPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Notifications:SmtpSecurity"] = "None", ["Notifications:MaxAttempts"] = maxAttempts, ["Notifications:DigestHourUtc"] = "8",
    };

    private static async Task DismissAsync(ReleaseWorld w, string endUser, string email, string reason)
    {
        var caseId = await w.Seed.CaseAsync(w.App, signals: [CaseSeed.Signal(SignalKind.Comment, "Not right: " + reason, endUser: endUser)]);
        await NotificationSeed.EmailAsync(w.Host, caseId, endUser, email);
        var result = await w.Run<DismissCase, CaseCommandResult>(async h => await h.HandleAsync(caseId, await NotificationSeed.StampAsync(w.Host, caseId), reason, w.Reviewer, Ct));
        Assert.Equal(CaseCommandOutcome.Saved, result.Outcome);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Retry_DeadLettered_IsSentAgainWithTheSameId_AndAudited(string provider)
    {
        var port = TestSmtpServer.FreePort();
        await using var w = await ReleaseWorld.StartAsync(provider, settings: Settings(port, maxAttempts: "1"));
        await DismissAsync(w, "ann", "ann@example.test", "The answer was right for your plan.");
        var dispatcher = ActivatorUtilities.CreateInstance<NotificationDispatcher>(w.Host.Services);
        await dispatcher.DispatchOnceAsync(Ct);
        var dead = await w.ReadAsync(db => db.NotificationDeliveries.AsNoTracking().SingleAsync(Ct));
        Assert.Equal(DeliveryStatus.DeadLettered, dead.Status);

        var sentAlready = await w.Run<RetryDelivery, Result>(h => h.HandleAsync(Guid.NewGuid(), w.Lead, Ct));
        Assert.False(sentAlready.Succeeded);
        var retried = await w.Run<RetryDelivery, Result>(h => h.HandleAsync(dead.Id, w.Lead, Ct));
        Assert.True(retried.Succeeded, retried.Error);
        await using var smtp = TestSmtpServer.Start(port);
        await dispatcher.DispatchOnceAsync(Ct);

        Assert.Equal($"{dead.Id:N}@feedbackconsole", Assert.Single(await smtp.WaitForAsync(1)).MessageId);
        Assert.Equal(DeliveryStatus.Sent, (await w.ReadAsync(db => db.NotificationDeliveries.AsNoTracking().SingleAsync(Ct))).Status);
        Assert.Single(await w.AuditAsync(RetryDelivery.EntityType, dead.Id.ToString("D")), e => e.Action == RetryDelivery.Action);
        Assert.False((await w.Run<RetryDelivery, Result>(h => h.HandleAsync(dead.Id, w.Lead, Ct))).Succeeded);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SaveChannels_NewEndpointGetsASecretOnce_ReEnablesAfter410_RefusesBadUrls(string provider)
    {
        await using var w = await ReleaseWorld.StartAsync(provider);
        Task<Result<string?>> SaveAsync(string? url, bool rotate = false) =>
            w.Run<SaveChannelSettings, Result<string?>>(h => h.HandleAsync(w.App, true, false, url, false, rotate, w.Lead, Ct));

        Assert.False((await SaveAsync("ftp://example.test/hooks")).Succeeded);
        var first = await SaveAsync("https://app.example.test/hooks");
        Assert.StartsWith("whsec_", first.Value, StringComparison.Ordinal);
        Assert.Null((await SaveAsync("https://app.example.test/hooks")).Value);
        await w.ReadAsync(db => db.NotificationChannelSettings.ExecuteUpdateAsync(u => u.SetProperty(s => s.WebhookDisabledAt, DateTimeOffset.UtcNow), Ct));
        var rotated = await SaveAsync("https://app.example.test/hooks", rotate: true);

        Assert.NotEqual(first.Value, rotated.Value);
        var stored = await w.ReadAsync(db => db.NotificationChannelSettings.AsNoTracking().SingleAsync(Ct));
        Assert.Equal((rotated.Value, (DateTimeOffset?)null), (stored.WebhookSecret, stored.WebhookDisabledAt));
        var audit = await w.AuditAsync("application", w.App.ToString("D"));
        Assert.Equal(3, audit.Count(e => e.Action == SaveChannelSettings.Action));
        Assert.All(audit, e => Assert.DoesNotContain("whsec_", e.After ?? "", StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SaveTemplate_IsUsedByTheNextEmail_AndRefusesUnknownPlaceholdersOrNoUnsubscribe(string provider)
    {
        await using var smtp = TestSmtpServer.Start();
        await using var w = await ReleaseWorld.StartAsync(provider, settings: Settings(smtp.Port));
        var bad = await w.Run<SaveTemplate, Result>(h => h.HandleAsync(NotificationTemplates.Dismissed, "Hi {{name}}", "x {{unsubscribeUrl}}", "<p>x</p>", false, w.Lead, Ct));
        Assert.Contains("{{name}}", bad.Error, StringComparison.Ordinal);
        var noOptOut = await w.Run<SaveTemplate, Result>(h => h.HandleAsync(NotificationTemplates.Dismissed, "Hi", "x", "<p>x</p>", false, w.Lead, Ct));
        Assert.False(noOptOut.Succeeded);
        var saved = await w.Run<SaveTemplate, Result>(h => h.HandleAsync(
            NotificationTemplates.Dismissed, "News from {{application}}", "Outcome: {{outcome}} — stop: {{unsubscribeUrl}}", "<p>{{outcome}}</p><a href=\"{{unsubscribeUrl}}\">stop</a>", false, w.Lead, Ct));
        Assert.True(saved.Succeeded, saved.Error);

        await DismissAsync(w, "ann", "ann@example.test", "Right for your plan, thanks.");
        await ActivatorUtilities.CreateInstance<NotificationDispatcher>(w.Host.Services).DispatchOnceAsync(Ct);

        var message = Assert.Single(await smtp.WaitForAsync(1));
        Assert.StartsWith("News from ", message.Subject, StringComparison.Ordinal);
        Assert.StartsWith("Outcome: Right for your plan, thanks.", message.TextBody, StringComparison.Ordinal);
        Assert.True((await w.Run<SaveTemplate, Result>(h => h.HandleAsync(NotificationTemplates.Dismissed, null, null, null, true, w.Lead, Ct))).Succeeded);
        Assert.Equal(0, await w.ReadAsync(db => db.NotificationTemplates.CountAsync(Ct)));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task DailyDigest_CollectsAnEndUsersEmailsIntoOneMessageAtTheDigestHour(string provider)
    {
        await using var smtp = TestSmtpServer.Start();
        await using var w = await ReleaseWorld.StartAsync(provider, settings: Settings(smtp.Port));
        await NotificationSeed.SettingsAsync(w.Host, w.App, digest: true);
        await DismissAsync(w, "ann", "ann@example.test", "First answer was right for your plan.");
        await DismissAsync(w, "ann", "ann@example.test", "Second answer was right as well.");
        await DismissAsync(w, "bob", "bob@example.test", "Third answer was right for Bob.");
        var rows = await w.ReadAsync(db => db.NotificationDeliveries.AsNoTracking().ToListAsync(Ct));
        Assert.All(rows, d => Assert.True(d.Digest && d.NextAttemptAt > DateTimeOffset.UtcNow && d.NextAttemptAt.UtcDateTime.Hour == 8));
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var dispatcher = ActivatorUtilities.CreateInstance<NotificationDispatcher>(w.Host.Services, clock);

        Assert.Equal(0, await dispatcher.DispatchOnceAsync(Ct));
        clock.Now = rows[0].NextAttemptAt.AddMinutes(1);
        Assert.Equal(3, await dispatcher.DispatchOnceAsync(Ct));

        var messages = await smtp.WaitForAsync(2);
        Assert.Equal(2, messages.Count);
        var ann = messages.Single(m => m.To.Mailboxes.Single().Address == "ann@example.test");
        Assert.Contains("First answer", ann.TextBody, StringComparison.Ordinal);
        Assert.Contains("Second answer", ann.TextBody, StringComparison.Ordinal);
        Assert.Contains("(2)", ann.Subject, StringComparison.Ordinal);
        Assert.All(await w.ReadAsync(db => db.NotificationDeliveries.AsNoTracking().ToListAsync(Ct)), d => Assert.Equal(DeliveryStatus.Sent, d.Status));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ReleasePublished_DomainEvent_BecomesOneSignedWebhook(string provider)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var w = await ReleaseWorld.StartAsync(provider);
        await NotificationSeed.SettingsAsync(w.Host, w.App, webhook: receiver.Url, secret: receiver.Secret);
        await w.EntryAsync("Refund window", "30 days.");
        await w.ShipAsync();

        var one = ActivatorUtilities.CreateInstance<NotificationDispatcher>(w.Host.Services);
        var two = ActivatorUtilities.CreateInstance<NotificationDispatcher>(w.Host.Services);
        await Task.WhenAll(one.DispatchOnceAsync(Ct), two.DispatchOnceAsync(Ct));
        await one.DispatchOnceAsync(Ct);

        var hook = Assert.Single(receiver.Received);
        Assert.True(hook.SignatureValid);
        Assert.Contains("\"type\":\"release.published\"", hook.Body, StringComparison.Ordinal);
        Assert.All(await w.DomainEventsAsync(), e => Assert.NotNull(e.ProcessedAt));
    }
}
