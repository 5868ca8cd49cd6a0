using System.Text.Json;
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

/// <summary>The dispatcher against real peers: an SMTP server and a webhook receiver in the test process.</summary>
public sealed class NotificationDispatcherTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Reason = "The 14-day window is right for your plan; thanks for checking.";

    private static Dictionary<string, string?> Settings(int smtpPort, params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Notifications:SmtpHost"] = "127.0.0.1", ["Notifications:SmtpPort"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Notifications:SmtpSecurity"] = "None", ["Notifications:PublicBaseUrl"] = "https://feedback.example.test",
            ["Notifications:WebhookTimeout"] = "00:00:01",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>A case with Ann's comment (and her address) dismissed with a reason: one email, and webhooks when an endpoint is set.</summary>
    private static async Task DismissAsync(ReleaseWorld w, string email = "ann@example.test")
    {
        var caseId = await w.Seed.CaseAsync(w.App, signals: [CaseSeed.Signal(SignalKind.Comment, "It is 30 days\r\nBcc: evil@example.test", endUser: "ann")]);
        await NotificationSeed.EmailAsync(w.Host, caseId, "ann", email);
        var result = await w.Run<DismissCase, CaseCommandResult>(async h => await h.HandleAsync(caseId, await NotificationSeed.StampAsync(w.Host, caseId), Reason, w.Reviewer, Ct));
        Assert.Equal(CaseCommandOutcome.Saved, result.Outcome);
    }

    private static NotificationDispatcher Dispatcher(ReleaseWorld w, TimeProvider? clock = null) =>
        clock is null
            ? ActivatorUtilities.CreateInstance<NotificationDispatcher>(w.Host.Services)
            : ActivatorUtilities.CreateInstance<NotificationDispatcher>(w.Host.Services, clock);

    private static Task<List<NotificationDelivery>> DeliveriesAsync(ReleaseWorld w) =>
        w.ReadAsync(db => db.NotificationDeliveries.AsNoTracking().OrderBy(d => d.CreatedAt).ThenBy(d => d.EventType).ToListAsync(Ct));

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Email_Dispatched_ArrivesWithBothBodiesUnsubscribeAndTheDeliveryId(string provider)
    {
        await using var smtp = TestSmtpServer.Start();
        await using var w = await ReleaseWorld.StartAsync(provider, settings: Settings(smtp.Port));
        await DismissAsync(w);

        var handled = await Dispatcher(w).DispatchOnceAsync(Ct);

        Assert.Equal(1, handled);
        var message = Assert.Single(await smtp.WaitForAsync(1));
        var delivery = Assert.Single(await DeliveriesAsync(w));
        Assert.Equal((DeliveryStatus.Sent, 1), (delivery.Status, delivery.Attempts));
        Assert.Equal($"{delivery.Id:N}@feedbackconsole", message.MessageId);
        Assert.Equal("ann@example.test", message.To.Mailboxes.Single().Address);
        Assert.Contains("about your feedback", message.Subject, StringComparison.Ordinal);
        Assert.Contains(Reason, message.TextBody, StringComparison.Ordinal);
        Assert.Contains(Reason, message.HtmlBody, StringComparison.Ordinal);
        Assert.StartsWith("<https://feedback.example.test/my-feedback/unsubscribe/", message.Headers["List-Unsubscribe"], StringComparison.Ordinal);
        Assert.Equal("List-Unsubscribe=One-Click", message.Headers["List-Unsubscribe-Post"]);
        Assert.Contains("https://feedback.example.test/my-feedback/", message.TextBody, StringComparison.Ordinal);
        // The end user's text with a line break and a header is body text, never a header.
        Assert.Empty(message.Bcc);
        Assert.Null(message.Headers["Bcc"]);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Email_SmtpDownThenUp_DeliveredOnceWithTheSameId(string provider)
    {
        var port = TestSmtpServer.FreePort();
        await using var w = await ReleaseWorld.StartAsync(provider, settings: Settings(port));
        await DismissAsync(w);
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var dispatcher = Dispatcher(w, clock);

        await dispatcher.DispatchOnceAsync(Ct);
        var failed = Assert.Single(await DeliveriesAsync(w));
        Assert.Equal((DeliveryStatus.Failed, 1), (failed.Status, failed.Attempts));
        Assert.Contains("Could not connect", failed.LastError, StringComparison.Ordinal);
        Assert.True(failed.NextAttemptAt > clock.Now, "a failed delivery waits before its next attempt");

        await using var smtp = TestSmtpServer.Start(port);
        Assert.Equal(0, await dispatcher.DispatchOnceAsync(Ct)); // not due yet
        clock.Now = failed.NextAttemptAt.AddSeconds(1);
        Assert.Equal(1, await dispatcher.DispatchOnceAsync(Ct));
        Assert.Equal(0, await dispatcher.DispatchOnceAsync(Ct));

        var message = Assert.Single(await smtp.WaitForAsync(1));
        Assert.Equal($"{failed.Id:N}@feedbackconsole", message.MessageId);
        var sent = Assert.Single(await DeliveriesAsync(w));
        Assert.Equal((DeliveryStatus.Sent, 2, (string?)null), (sent.Status, sent.Attempts, sent.LastError));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Email_InstanceKilledHoldingTheLease_DeliveredAfterTheLeaseWithTheSameId(string provider)
    {
        await using var smtp = TestSmtpServer.Start();
        await using var w = await ReleaseWorld.StartAsync(provider, settings: Settings(smtp.Port));
        await DismissAsync(w);
        var clock = new ManualClock(DateTimeOffset.UtcNow);

        // The first instance claims the row and dies before sending or recording anything.
        var killed = Dispatcher(w, clock);
        var held = Assert.Single(await killed.ClaimAsync("dead-instance:1", Ct));

        var restarted = Dispatcher(w, clock);
        Assert.Equal(0, await restarted.DispatchOnceAsync(Ct)); // still leased by the dead instance
        clock.Now += TimeSpan.FromMinutes(3);
        Assert.Equal(1, await restarted.DispatchOnceAsync(Ct));

        var message = Assert.Single(await smtp.WaitForAsync(1));
        Assert.Equal($"{held.Id:N}@feedbackconsole", message.MessageId);
        Assert.Equal(DeliveryStatus.Sent, Assert.Single(await DeliveriesAsync(w)).Status);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Email_StoppingMidBatch_RecordsWhatWasSentAndReleasesTheRest(string provider)
    {
        await using var smtp = TestSmtpServer.Start();
        await using var w = await ReleaseWorld.StartAsync(provider, settings: Settings(smtp.Port, ("Notifications:Concurrency", "1")));
        await DismissAsync(w, "ann@example.test");
        await DismissAsync(w, "ann2@example.test");
        await DismissAsync(w, "ann3@example.test");
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var dispatcher = Dispatcher(w);
        dispatcher.AfterSendForTests = _ => stopping.CancelAsync();

        await dispatcher.DispatchOnceAsync(stopping.Token);

        var rows = await DeliveriesAsync(w);
        Assert.Single(rows, d => d.Status == DeliveryStatus.Sent);
        Assert.Equal(2, rows.Count(d => d is { Status: DeliveryStatus.Pending, Attempts: 0, LeaseOwner: null, LeaseExpiresAt: null }));
        Assert.Single(await smtp.WaitForAsync(1));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Email_TwoInstancesDispatchingAtOnce_SendEachDeliveryOnce(string provider)
    {
        await using var smtp = TestSmtpServer.Start();
        await using var w = await ReleaseWorld.StartAsync(provider, settings: Settings(smtp.Port, ("Notifications:BatchSize", "7")));
        for (var i = 0; i < 12; i++)
        {
            await DismissAsync(w, $"user{i}@example.test");
        }

        var one = Dispatcher(w);
        var two = Dispatcher(w);
        async Task DrainAsync(NotificationDispatcher dispatcher)
        {
            while (await dispatcher.DispatchOnceAsync(Ct) > 0)
            {
            }
        }

        await Task.WhenAll(DrainAsync(one), DrainAsync(two), DrainAsync(one), DrainAsync(two));

        var messages = await smtp.WaitForAsync(12);
        Assert.Equal(12, messages.Count);
        Assert.Equal(12, messages.Select(m => m.MessageId).Distinct().Count());
        Assert.All(await DeliveriesAsync(w), d => Assert.Equal((DeliveryStatus.Sent, 1), (d.Status, d.Attempts)));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Email_FailingEveryAttempt_IsDeadLetteredAfterMaxAttempts(string provider)
    {
        await using var w = await ReleaseWorld.StartAsync(provider, settings: Settings(TestSmtpServer.FreePort(), ("Notifications:MaxAttempts", "2")));
        await DismissAsync(w);
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var dispatcher = Dispatcher(w, clock);

        await dispatcher.DispatchOnceAsync(Ct);
        clock.Now += TimeSpan.FromHours(2);
        await dispatcher.DispatchOnceAsync(Ct);
        clock.Now += TimeSpan.FromHours(2);

        Assert.Equal(0, await dispatcher.DispatchOnceAsync(Ct));
        var dead = Assert.Single(await DeliveriesAsync(w));
        Assert.Equal((DeliveryStatus.DeadLettered, 2), (dead.Status, dead.Attempts));
        Assert.StartsWith("Gave up after 2 attempts", dead.LastError, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Webhook_Sent_IsSignedAsTheContractSays(string provider)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var w = await ReleaseWorld.StartAsync(provider, settings: Settings(TestSmtpServer.FreePort()));
        await NotificationSeed.SettingsAsync(w.Host, w.App, webhook: receiver.Url, secret: receiver.Secret);
        await DismissAsync(w, "not an address");

        await Dispatcher(w).DispatchOnceAsync(Ct);

        var received = receiver.Received.ToList();
        Assert.Equal(2, received.Count);
        Assert.All(received, r => Assert.True(r.SignatureValid, "the receiver verifies the signature with its secret"));
        var deliveries = await DeliveriesAsync(w);
        Assert.All(deliveries, d => Assert.Equal(DeliveryStatus.Sent, d.Status));
        Assert.Equal(deliveries.Select(d => $"msg_{d.Id:N}").Order(), received.Select(r => r.Id).Order());
        var created = received.Select(r => JsonDocument.Parse(r.Body).RootElement).Single(e => e.GetProperty("type").GetString() == "notification.created");
        Assert.Equal("ann", created.GetProperty("data").GetProperty("endUserId").GetString());
        Assert.Equal(Reason, created.GetProperty("data").GetProperty("outcome").GetString());
        Assert.False(WebhookReceiver.Verify(receiver.Secret, received[0].Id, received[0].Timestamp, received[0].Body + " ", received[0].Signature));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Webhook_500ThenSuccess_RetriedLaterWithTheSameId(string provider)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var w = await ReleaseWorld.StartAsync(provider, settings: Settings(TestSmtpServer.FreePort()));
        await NotificationSeed.SettingsAsync(w.Host, w.App, webhook: receiver.Url, secret: receiver.Secret);
        await DismissAsync(w, "not an address");
        receiver.Respond = n => n <= 2 ? 500 : 200;
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var dispatcher = Dispatcher(w, clock);

        await dispatcher.DispatchOnceAsync(Ct);
        Assert.All(await DeliveriesAsync(w), d => Assert.Equal((DeliveryStatus.Failed, "The endpoint answered 500."), (d.Status, d.LastError)));
        clock.Now += TimeSpan.FromHours(2);
        await dispatcher.DispatchOnceAsync(Ct);

        Assert.All(await DeliveriesAsync(w), d => Assert.Equal((DeliveryStatus.Sent, 2), (d.Status, d.Attempts)));
        var ids = receiver.Received.Select(r => r.Id).ToList();
        Assert.Equal(4, ids.Count);
        Assert.Equal(2, ids.Distinct().Count());
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Webhook_SlowerThanTheTimeout_IsATransientFailure(string provider)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Delay = TimeSpan.FromSeconds(3);
        await using var w = await ReleaseWorld.StartAsync(provider, settings: Settings(TestSmtpServer.FreePort()));
        await NotificationSeed.SettingsAsync(w.Host, w.App, webhook: receiver.Url, secret: receiver.Secret);
        await DismissAsync(w, "not an address");

        await Dispatcher(w).DispatchOnceAsync(Ct);

        Assert.All(await DeliveriesAsync(w), d => Assert.Equal((DeliveryStatus.Failed, "The endpoint did not answer in time."), (d.Status, d.LastError)));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Webhook_410_DeadLettersAndDisablesTheEndpoint(string provider)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = _ => 410;
        await using var w = await ReleaseWorld.StartAsync(provider, settings: Settings(TestSmtpServer.FreePort(), ("Notifications:Concurrency", "1")));
        await NotificationSeed.SettingsAsync(w.Host, w.App, webhook: receiver.Url, secret: receiver.Secret);
        await DismissAsync(w, "not an address");

        await Dispatcher(w).DispatchOnceAsync(Ct);

        Assert.All(await DeliveriesAsync(w), d => Assert.Equal(DeliveryStatus.DeadLettered, d.Status));
        Assert.NotNull((await w.ReadAsync(db => db.NotificationChannelSettings.AsNoTracking().FirstAsync(Ct))).WebhookDisabledAt);
        // Nothing more is queued for a disabled endpoint.
        var before = (await DeliveriesAsync(w)).Count;
        await DismissAsync(w, "not an address");
        Assert.Equal(before, (await DeliveriesAsync(w)).Count);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Webhook_Redirect_IsNotFollowed(string provider)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = _ => 307;
        await using var w = await ReleaseWorld.StartAsync(provider, settings: Settings(TestSmtpServer.FreePort()));
        await NotificationSeed.SettingsAsync(w.Host, w.App, webhook: receiver.Url, secret: receiver.Secret);
        await DismissAsync(w, "not an address");

        await Dispatcher(w).DispatchOnceAsync(Ct);

        Assert.Equal(0, receiver.RedirectTargetHits);
        Assert.All(await DeliveriesAsync(w), d => Assert.Equal(
            (DeliveryStatus.Failed, "The endpoint answered 307 (a redirect, which is not followed)."), (d.Status, d.LastError)));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Webhook_PrivateTarget_RefusedUnlessAllowed(string provider)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var w = await ReleaseWorld.StartAsync(provider, settings: Settings(TestSmtpServer.FreePort()));
        await NotificationSeed.SettingsAsync(w.Host, w.App, webhook: receiver.Url, secret: receiver.Secret, allowPrivate: false);
        await DismissAsync(w, "not an address");

        await Dispatcher(w).DispatchOnceAsync(Ct);

        Assert.Empty(receiver.Received);
        Assert.All(await DeliveriesAsync(w), d =>
        {
            Assert.Equal(DeliveryStatus.DeadLettered, d.Status);
            Assert.Contains("private, loopback or link-local", d.LastError, StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.20.0.1", true)]
    [InlineData("192.168.1.1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("fd00::1", true)]
    [InlineData("::ffff:10.0.0.1", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("93.184.216.34", false)]
    [InlineData("2606:2800:220:1:248:1893:25c8:1946", false)]
    public void IsPrivate_KnownRanges(string address, bool expected) =>
        Assert.Equal(expected, WebhookSender.IsPrivate(System.Net.IPAddress.Parse(address)));

    [Fact]
    public void Backoff_GrowsExponentiallyWithJitterAndIsCapped()
    {
        for (var i = 0; i < 50; i++)
        {
            var first = NotificationDispatcher.Backoff(1, TimeSpan.FromSeconds(10), TimeSpan.FromHours(1));
            var fourth = NotificationDispatcher.Backoff(4, TimeSpan.FromSeconds(10), TimeSpan.FromHours(1));
            var late = NotificationDispatcher.Backoff(30, TimeSpan.FromSeconds(10), TimeSpan.FromHours(1));
            Assert.InRange(first.TotalSeconds, 5, 10);
            Assert.InRange(fourth.TotalSeconds, 40, 80);
            Assert.InRange(late.TotalMinutes, 30, 60);
        }
    }

    [Fact]
    public void Templates_EncodeValuesInHtml_AndKeepSubjectsOnOneLine()
    {
        var template = NotificationTemplates.Default(NotificationTemplates.Dismissed);
        template.Subject = "{{application}}: {{feedback}}";
        var email = NotificationTemplates.Render(template, new Dictionary<string, string>
        {
            ["application"] = "Acme", ["feedback"] = "hi\r\nBcc: evil@example.test", ["outcome"] = "<script>alert(1)</script>",
            ["pageUrl"] = "https://x.test/p", ["unsubscribeUrl"] = "https://x.test/u",
        });

        Assert.DoesNotContain('\n', email.Subject);
        Assert.DoesNotContain("<script>", email.Html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", email.Html, StringComparison.Ordinal);
        Assert.Equal(["nope"], NotificationTemplates.UnknownPlaceholders("{{outcome}} {{ nope }}"));
    }
}
