using System.Collections.Concurrent;
using System.Net;
using System.Text;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace FeedbackConsole.Core.Features.Notifications;

/// <summary>
/// Delivers the outbox. Each pass claims due rows with a lease (on PostgreSQL through <c>FOR UPDATE SKIP LOCKED</c>, so
/// instances take different rows; SQLite has one writer), sends them over a few SMTP connections and webhook requests
/// in parallel, and records each outcome only while it still holds the lease: sent; failed and retried after an
/// exponential backoff with jitter; or dead-lettered (a permanent failure, or <see cref="NotificationOptions.MaxAttempts"/>
/// reached). A delivery keeps its id on every attempt. A crashed instance's rows are taken over when their lease
/// expires; on shutdown the dispatcher finishes what it is sending and releases the rest of what it holds.
/// </summary>
public sealed class NotificationDispatcher(
    IDbContextFactory<FeedbackDbContext> contexts,
    IOptions<NotificationOptions> options,
    WebhookSender webhooks,
    EndUserLinks links,
    NotificationWakeup wakeup,
    TimeProvider time,
    ILogger<NotificationDispatcher> logger) : BackgroundService
{
    /// <summary>This instance, in lease owners (with a batch suffix).</summary>
    public string InstanceId { get; } = $"{(Environment.MachineName.Length > 40 ? Environment.MachineName[..40] : Environment.MachineName)}:{Guid.NewGuid().ToString("N")[..12]}";

    /// <summary>A test seam: runs after a message left and before its outcome is recorded (a crash there sends it again, with the same id).</summary>
    internal Func<NotificationDelivery, Task>? AfterSendForTests { get; set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var handled = 0;
            try
            {
                handled = await DispatchOnceAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Notification dispatch pass failed; trying again after the poll interval.");
            }

            if (handled < options.Value.BatchSize)
            {
                try
                {
                    await wakeup.WaitAsync(options.Value.PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>One pass: turns new domain events into webhooks, then claims and delivers one batch. Returns the deliveries handled.</summary>
    public async Task<int> DispatchOnceAsync(CancellationToken stoppingToken)
    {
        await PublishDomainEventsAsync(stoppingToken);
        var owner = $"{InstanceId}:{Guid.NewGuid().ToString("N")[..8]}";
        var claimed = await ClaimAsync(owner, stoppingToken);
        if (claimed.Count == 0)
        {
            return 0;
        }

        var results = new ConcurrentDictionary<Guid, SendOutcome>();
        try
        {
            await DeliverAsync(claimed, results, stoppingToken);
        }
        finally
        {
            // Outcomes are recorded even when stopping: what was sent must not be sent again.
            await RecordAsync(owner, claimed, results, CancellationToken.None);
        }

        return results.Count;
    }

    /// <summary>Claims up to a batch of due rows for <paramref name="owner"/> and returns them with their notifications.</summary>
    internal async Task<List<NotificationDelivery>> ClaimAsync(string owner, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var expires = now + options.Value.LeaseDuration;
        var batch = options.Value.BatchSize;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (db is PostgresFeedbackDbContext)
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                UPDATE "NotificationDeliveries" SET "LeaseOwner" = {owner}, "LeaseExpiresAt" = {expires}
                WHERE "Id" IN (
                    SELECT "Id" FROM "NotificationDeliveries"
                    WHERE "Status" IN ('Pending', 'Failed') AND "NextAttemptAt" <= {now} AND ("LeaseExpiresAt" IS NULL OR "LeaseExpiresAt" < {now})
                    ORDER BY "NextAttemptAt"
                    LIMIT {batch}
                    FOR UPDATE SKIP LOCKED)
                """, cancellationToken);
        }
        else
        {
            var due = db.NotificationDeliveries
                .Where(d => (d.Status == DeliveryStatus.Pending || d.Status == DeliveryStatus.Failed) && d.NextAttemptAt <= now && (d.LeaseExpiresAt == null || d.LeaseExpiresAt < now))
                .OrderBy(d => d.NextAttemptAt).Select(d => d.Id).Take(batch);
            await db.NotificationDeliveries
                .Where(d => due.Contains(d.Id) && (d.LeaseExpiresAt == null || d.LeaseExpiresAt < now))
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.LeaseOwner, owner).SetProperty(d => d.LeaseExpiresAt, expires), cancellationToken);
        }

        return await db.NotificationDeliveries.AsNoTracking().Include(d => d.Notification)
            .Where(d => d.LeaseOwner == owner).ToListAsync(cancellationToken);
    }

    private async Task DeliverAsync(List<NotificationDelivery> claimed, ConcurrentDictionary<Guid, SendOutcome> results, CancellationToken stoppingToken)
    {
        var applicationIds = claimed.Select(d => d.ApplicationId).Distinct().ToList();
        Dictionary<Guid, string> names;
        Dictionary<Guid, NotificationChannelSettings> settings;
        Dictionary<string, NotificationTemplate> templates = [];
        await using (var db = await contexts.CreateDbContextAsync(stoppingToken))
        {
            names = await db.Applications.AsNoTracking().Where(a => applicationIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Name, stoppingToken);
            settings = await db.NotificationChannelSettings.AsNoTracking().Where(s => applicationIds.Contains(s.ApplicationId)).ToDictionaryAsync(s => s.ApplicationId, stoppingToken);
            if (claimed.Any(d => d.Channel == DeliveryChannel.Email))
            {
                foreach (var key in NotificationTemplates.Keys)
                {
                    templates[key] = await NotificationTemplates.LoadAsync(db, key, stoppingToken);
                }
            }
        }

        // Emails: an end user's due digest rows go out as one message; the rest one each. Units are spread over a few connections.
        var units = claimed.Where(d => d.Channel == DeliveryChannel.Email)
            .GroupBy(d => d.Digest ? $"{d.ApplicationId:N}|{d.Recipient}" : d.Id.ToString("N"))
            .Select(g => g.ToList()).ToList();
        var concurrency = options.Value.Concurrency;
        var emailLanes = Enumerable.Range(0, Math.Min(concurrency, units.Count))
            .Select(lane => SendEmailsAsync([.. units.Where((_, i) => i % concurrency == lane)], names, templates, results, stoppingToken));
        var hooks = Parallel.ForEachAsync(
            claimed.Where(d => d.Channel == DeliveryChannel.Webhook),
            new ParallelOptions { MaxDegreeOfParallelism = concurrency },
            async (delivery, _) =>
            {
                if (stoppingToken.IsCancellationRequested)
                {
                    return;
                }

                var outcome = settings.GetValueOrDefault(delivery.ApplicationId) is { WebhookUrl.Length: > 0, WebhookSecret.Length: > 0, WebhookDisabledAt: null } s
                    ? await webhooks.SendAsync(s.WebhookUrl!, s.WebhookSecret!, s.AllowPrivateTargets, $"msg_{delivery.Id:N}", time.GetUtcNow(), delivery.Payload ?? "{}", CancellationToken.None)
                    : SendOutcome.Permanent("The application has no webhook endpoint (or it was disabled after a 410).");
                await AfterSendAsync(delivery, outcome);
                results[delivery.Id] = outcome;
            });
        await Task.WhenAll([.. emailLanes, hooks]);
    }

    private async Task SendEmailsAsync(
        List<List<NotificationDelivery>> units, Dictionary<Guid, string> names, Dictionary<string, NotificationTemplate> templates,
        ConcurrentDictionary<Guid, SendOutcome> results, CancellationToken stoppingToken)
    {
        if (units.Count == 0 || stoppingToken.IsCancellationRequested)
        {
            return;
        }

        await using var session = new EmailSession(options);
        if (await session.OpenAsync(stoppingToken) is { } unreachable)
        {
            foreach (var delivery in units.SelectMany(u => u))
            {
                results[delivery.Id] = SendOutcome.Transient(unreachable);
            }

            return;
        }

        foreach (var unit in units)
        {
            if (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            var first = unit[0];
            SendOutcome outcome;
            if (unit.Any(d => d.Notification is null) || !MailboxAddress.TryParse(first.Recipient, out _))
            {
                outcome = SendOutcome.Permanent("The email has no notification or no valid address.");
            }
            else
            {
                var message = Compose(unit, names.GetValueOrDefault(first.ApplicationId, "FeedbackConsole"), templates);
                outcome = session.IsConnected ? await session.SendAsync(message, CancellationToken.None) : SendOutcome.Transient("The SMTP connection was lost.");
            }

            foreach (var delivery in unit)
            {
                await AfterSendAsync(delivery, outcome);
                results[delivery.Id] = outcome;
            }
        }
    }

    /// <summary>The email for one delivery, or one digest of several for the same end user.</summary>
    internal MimeMessage Compose(List<NotificationDelivery> unit, string applicationName, IReadOnlyDictionary<string, NotificationTemplate> templates)
    {
        var first = unit[0];
        var notification = first.Notification!;
        var values = new Dictionary<string, string>
        {
            ["application"] = applicationName,
            ["feedback"] = notification.Feedback,
            ["outcome"] = notification.Outcome,
            ["count"] = (unit.Count > 1 || first.Digest ? unit.Count : notification.ServedCount ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["pageUrl"] = links.PageUrl(first.ApplicationId, notification.EndUserId),
            ["unsubscribeUrl"] = links.UnsubscribeUrl(first.ApplicationId, notification.EndUserId, UnsubscribeChannel.Email),
        };
        RenderedEmail email;
        if (first.Digest)
        {
            var text = new StringBuilder();
            var html = new StringBuilder("<ul>");
            foreach (var n in unit.Select(d => d.Notification!).OrderBy(n => n.CreatedAt))
            {
                text.Append("- ").Append(n.Feedback).Append("\n  ").Append(n.Outcome).Append("\n\n");
                html.Append("<li><p>").Append(WebUtility.HtmlEncode(n.Feedback)).Append("</p><p>").Append(WebUtility.HtmlEncode(n.Outcome)).Append("</p></li>");
            }

            email = NotificationTemplates.Render(templates[NotificationTemplates.Digest], values, text.ToString(), html.Append("</ul>").ToString());
        }
        else
        {
            email = NotificationTemplates.Render(templates[NotificationTemplates.KeyOf(notification.Kind)], values);
        }

        return EmailSession.Build(options.Value, first.Recipient, first.Id, email, values["unsubscribeUrl"]);
    }

    private async Task AfterSendAsync(NotificationDelivery delivery, SendOutcome outcome)
    {
        if (outcome.Result == SendResult.Sent && AfterSendForTests is { } hook)
        {
            await hook(delivery);
        }
    }

    /// <summary>Writes each outcome while the lease is still ours, and releases the rows not attempted (stopping).</summary>
    private async Task RecordAsync(string owner, List<NotificationDelivery> claimed, ConcurrentDictionary<Guid, SendOutcome> results, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var o = options.Value;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var sent = results.Where(r => r.Value.Result == SendResult.Sent).Select(r => r.Key).ToList();
        foreach (var chunk in sent.Chunk(500))
        {
            await db.NotificationDeliveries.Where(d => chunk.Contains(d.Id) && d.LeaseOwner == owner).ExecuteUpdateAsync(u => u
                .SetProperty(d => d.Status, DeliveryStatus.Sent)
                .SetProperty(d => d.SentAt, now)
                .SetProperty(d => d.Attempts, d => d.Attempts + 1)
                .SetProperty(d => d.LastError, (string?)null)
                .SetProperty(d => d.LeaseOwner, (string?)null)
                .SetProperty(d => d.LeaseExpiresAt, (DateTimeOffset?)null), cancellationToken);
        }

        foreach (var delivery in claimed)
        {
            if (!results.TryGetValue(delivery.Id, out var outcome))
            {
                await db.NotificationDeliveries.Where(d => d.Id == delivery.Id && d.LeaseOwner == owner).ExecuteUpdateAsync(u => u
                    .SetProperty(d => d.LeaseOwner, (string?)null)
                    .SetProperty(d => d.LeaseExpiresAt, (DateTimeOffset?)null), cancellationToken);
                continue;
            }

            if (outcome.Result == SendResult.Sent)
            {
                continue;
            }

            var attempts = delivery.Attempts + 1;
            var dead = outcome.Result != SendResult.Transient || attempts >= o.MaxAttempts;
            var error = NotificationOutbox.Excerpt(dead && outcome.Result == SendResult.Transient ? $"Gave up after {attempts} attempts. Last: {outcome.Error}" : outcome.Error ?? "Failed.", 2000);
            var next = dead ? now : now + Backoff(attempts, o.RetryBaseDelay, o.RetryMaxDelay);
            await db.NotificationDeliveries.Where(d => d.Id == delivery.Id && d.LeaseOwner == owner).ExecuteUpdateAsync(u => u
                .SetProperty(d => d.Status, dead ? DeliveryStatus.DeadLettered : DeliveryStatus.Failed)
                .SetProperty(d => d.Attempts, attempts)
                .SetProperty(d => d.NextAttemptAt, next)
                .SetProperty(d => d.LastError, error)
                .SetProperty(d => d.LeaseOwner, (string?)null)
                .SetProperty(d => d.LeaseExpiresAt, (DateTimeOffset?)null), cancellationToken);
            if (outcome.Result == SendResult.Gone)
            {
                await db.NotificationChannelSettings.Where(s => s.ApplicationId == delivery.ApplicationId && s.WebhookDisabledAt == null)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.WebhookDisabledAt, now).SetProperty(s => s.Version, Guid.NewGuid()), cancellationToken);
                logger.LogWarning("Webhook endpoint of application {ApplicationId} answered 410 Gone; it is disabled.", delivery.ApplicationId);
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Exponential backoff with "equal jitter": half the doubled delay, plus a random share of the other half.</summary>
    public static TimeSpan Backoff(int attempts, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        var exponential = baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 30));
        var capped = Math.Min(exponential, maxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds((capped / 2) + (Random.Shared.NextDouble() * capped / 2));
    }

    /// <summary>Turns new <c>release.published</c> / <c>release.rolled_back</c> events into webhook deliveries, each event once across instances.</summary>
    private async Task PublishDomainEventsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var pending = await db.DomainEvents.AsNoTracking().Where(e => e.ProcessedAt == null).OrderBy(e => e.Id).Take(100).ToListAsync(cancellationToken);
        foreach (var domainEvent in pending)
        {
            var now = time.GetUtcNow();
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var mine = await db.DomainEvents.Where(e => e.Id == domainEvent.Id && e.ProcessedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(e => e.ProcessedAt, now), cancellationToken);
            if (mine == 1 && domainEvent.ApplicationId is { } app && domainEvent.Type is "release.published" or "release.rolled_back")
            {
                NotificationOutbox.AddEventWebhook(db, await NotificationOutbox.SettingsAsync(db, app, cancellationToken), app, domainEvent.Type, domainEvent.Payload, now);
                await db.SaveChangesAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
    }
}
