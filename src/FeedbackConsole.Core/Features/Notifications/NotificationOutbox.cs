using System.Globalization;
using System.Text.Json;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FeedbackConsole.Core.Features.Notifications;

/// <summary>
/// Writes notifications and their outbox rows into the caller's DbContext, inside the caller's transaction, so they
/// commit or fail with the decision that causes them: a case released, a case dismissed with a reason, a released
/// correction served N times. Recipients are the distinct end users who sent a signal on the case or on any case of
/// its cluster; one notification each per trigger (unique on the trigger key and the end user), none for those who
/// opted out of every channel they could be reached on.
/// </summary>
public sealed class NotificationOutbox(IOptions<NotificationOptions> options, NotificationWakeup wakeup)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public const string NotificationCreatedEvent = "notification.created";
    public const string CaseResolvedEvent = "case.resolved";

    /// <summary>Wakes this instance's dispatcher; call after the decision committed.</summary>
    public void Wake() => wakeup.Wake();

    /// <summary>Cases a release just moved to Released (tracked in <paramref name="db"/>): one trigger per cluster (or unclustered case).</summary>
    public async Task OnReleasedAsync(FeedbackDbContext db, Release release, IReadOnlyCollection<long> caseIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (caseIds.Count == 0)
        {
            return;
        }

        var cases = await db.Cases.AsNoTracking().Where(c => caseIds.Contains(c.Id))
            .Select(c => new { c.Id, c.ApplicationId, c.ClusterId }).OrderBy(c => c.Id).ToListAsync(cancellationToken);
        var corrections = await db.RevisionSources.AsNoTracking().Where(s => caseIds.Contains(s.CaseId))
            .Join(db.EntryRevisions, s => s.RevisionId, r => r.Id, (s, r) => new { s.CaseId, r.Title, r.Content, r.Number, r.Change })
            .ToListAsync(cancellationToken);
        var settings = await SettingsAsync(db, cases[0].ApplicationId, cancellationToken);
        foreach (var group in cases.GroupBy(c => c.ClusterId is { } cluster ? $"cluster-{cluster}" : $"case-{c.Id}"))
        {
            var first = group.First();
            var correction = corrections.Where(c => group.Any(g => g.Id == c.CaseId)).MaxBy(c => c.Number);
            var outcome = correction is null
                ? $"We corrected the answer. The correction is live since {Day(now)}."
                : correction.Change == RevisionChange.Retire
                    ? $"We removed the information that led to the wrong answer (\"{Excerpt(correction.Title, 200)}\"). This is live since {Day(now)}."
                    : $"We corrected the answer. Since {Day(now)} the assistant uses this correction: \"{Excerpt(correction.Title, 200)}\" — {Excerpt(correction.Content, 1500)}";
            await WriteAsync(db, settings, first.ApplicationId, NotificationKind.Released,
                string.Create(CultureInfo.InvariantCulture, $"released:{release.Id:N}:{group.Key}"),
                [.. group.Select(g => g.Id)], first.ClusterId, outcome, null, now, cancellationToken);
        }

        foreach (var kase in cases)
        {
            AddWebhook(db, settings, kase.ApplicationId, CaseResolvedEvent, null, new
            {
                caseId = kase.Id, status = "released", releaseId = release.Id, releaseNumber = release.Number, resolvedAt = now,
            }, now);
        }
    }

    /// <summary>A case a reviewer just dismissed with a reason for the end user (tracked in <paramref name="db"/>).</summary>
    public async Task OnDismissedAsync(FeedbackDbContext db, Case kase, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var settings = await SettingsAsync(db, kase.ApplicationId, cancellationToken);
        var key = kase.ClusterId is { } cluster
            ? string.Create(CultureInfo.InvariantCulture, $"dismissed:cluster-{cluster}")
            : string.Create(CultureInfo.InvariantCulture, $"dismissed:case-{kase.Id}");
        await WriteAsync(db, settings, kase.ApplicationId, NotificationKind.Dismissed, key, [kase.Id], kase.ClusterId, reason, null, now, cancellationToken);
        AddWebhook(db, settings, kase.ApplicationId, CaseResolvedEvent, null, new { caseId = kase.Id, status = "dismissed", resolvedAt = now }, now);
    }

    /// <summary>
    /// After served counts were added (same transaction): for each entry whose served total (counted from the revision that
    /// released a case on) just crossed the milestone, a notification to the end users behind the cases it released.
    /// </summary>
    public async Task OnServedAsync(FeedbackDbContext db, IReadOnlyCollection<(Guid EntryId, Guid RevisionId, long Added)> served, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var threshold = options.Value.MilestoneServings;
        var revisionIds = served.Select(s => s.RevisionId).Distinct().ToList();
        foreach (var chunk in revisionIds.Chunk(500))
        {
            // Only served revisions of entries that released a case matter; usually few.
            var candidates = await db.EntryRevisions.AsNoTracking()
                .Where(r => chunk.Contains(r.Id))
                .Select(r => new
                {
                    r.Id, r.EntryId, r.Number,
                    Cases = db.EntryRevisions.Where(o => o.EntryId == r.EntryId && o.Number <= r.Number)
                        .SelectMany(o => o.Sources).Select(s => s.CaseId)
                        .Where(c => db.Cases.Any(k => k.Id == c && k.Status == CaseStatus.Released)).ToList(),
                    FirstNumber = db.EntryRevisions.Where(o => o.EntryId == r.EntryId && o.Number <= r.Number && o.Sources.Any()).Min(o => (int?)o.Number),
                })
                .Where(r => r.FirstNumber != null)
                .ToListAsync(cancellationToken);
            foreach (var candidate in candidates.Where(c => c.Cases.Count > 0))
            {
                var total = await db.EntryServingTallies.AsNoTracking()
                    .Where(t => t.EntryId == candidate.EntryId)
                    .Join(db.EntryRevisions, t => t.RevisionId, r => r.Id, (t, r) => new { t.Count, r.Number })
                    .Where(t => t.Number >= candidate.FirstNumber)
                    .SumAsync(t => t.Count, cancellationToken);
                var added = served.Where(s => s.EntryId == candidate.EntryId).Sum(s => s.Added);
                if (total < threshold || total - added >= threshold)
                {
                    continue;
                }

                var cases = await db.Cases.AsNoTracking().Where(c => candidate.Cases.Contains(c.Id))
                    .Select(c => new { c.Id, c.ApplicationId, c.ClusterId }).ToListAsync(cancellationToken);
                var settings = await SettingsAsync(db, cases[0].ApplicationId, cancellationToken);
                var outcome = string.Create(CultureInfo.InvariantCulture,
                    $"The fix made from your feedback has now helped {threshold:N0} people: the assistant has used it {threshold:N0} times.");
                await WriteAsync(db, settings, cases[0].ApplicationId, NotificationKind.Milestone,
                    string.Create(CultureInfo.InvariantCulture, $"milestone:{threshold}:{candidate.EntryId:N}"),
                    [.. cases.Select(c => c.Id)], null, outcome, threshold, now, cancellationToken,
                    clusterIds: [.. cases.Where(c => c.ClusterId != null).Select(c => c.ClusterId!.Value).Distinct()]);
            }
        }
    }

    /// <summary>A domain event (<c>release.published</c>, <c>release.rolled_back</c>) for the application's webhook.</summary>
    public static void AddEventWebhook(FeedbackDbContext db, NotificationChannelSettings? settings, Guid applicationId, string type, string payloadJson, DateTimeOffset now)
    {
        if (!WebhookConfigured(settings))
        {
            return;
        }

        using var data = JsonDocument.Parse(payloadJson);
        AddWebhook(db, settings, applicationId, type, null, data.RootElement.Clone(), now);
    }

    internal static Task<NotificationChannelSettings?> SettingsAsync(FeedbackDbContext db, Guid applicationId, CancellationToken cancellationToken) =>
        db.NotificationChannelSettings.AsNoTracking().FirstOrDefaultAsync(s => s.ApplicationId == applicationId, cancellationToken);

    private static bool WebhookConfigured(NotificationChannelSettings? settings) =>
        settings is { WebhookUrl.Length: > 0, WebhookSecret.Length: > 0, WebhookDisabledAt: null };

    private async Task WriteAsync(
        FeedbackDbContext db, NotificationChannelSettings? settings, Guid applicationId, NotificationKind kind, string triggerKey,
        long[] caseIds, long? clusterId, string outcome, long? servedCount, DateTimeOffset now, CancellationToken cancellationToken,
        long[]? clusterIds = null)
    {
        var clusters = clusterIds ?? (clusterId is { } c ? [c] : []);
        var interactionIds = db.Cases.Where(k => k.ApplicationId == applicationId && (caseIds.Contains(k.Id) || (k.ClusterId != null && clusters.Contains(k.ClusterId.Value))))
            .Select(k => k.InteractionId);
        var signals = await db.Signals.AsNoTracking()
            .Where(s => s.ApplicationId == applicationId && s.EndUserId != null && s.InteractionId != null && interactionIds.Contains(s.InteractionId.Value))
            .Select(s => new { EndUserId = s.EndUserId!, s.Kind, s.Text, s.ThumbUp, s.Rating, s.OccurredAt, InteractionId = s.InteractionId!.Value })
            .ToListAsync(cancellationToken);
        if (signals.Count == 0)
        {
            return;
        }

        var users = signals.Select(s => s.EndUserId).Distinct(StringComparer.Ordinal).ToList();
        var already = (await db.Notifications.AsNoTracking()
                .Where(n => n.ApplicationId == applicationId && n.TriggerKey == triggerKey && users.Contains(n.EndUserId))
                .Select(n => n.EndUserId).ToListAsync(cancellationToken))
            .Concat(db.Notifications.Local.Where(n => n.ApplicationId == applicationId && n.TriggerKey == triggerKey).Select(n => n.EndUserId))
            .ToHashSet(StringComparer.Ordinal);
        users.RemoveAll(already.Contains);
        if (users.Count == 0)
        {
            return;
        }

        var preferences = await db.EndUserPreferences.AsNoTracking()
            .Where(p => p.ApplicationId == applicationId && users.Contains(p.EndUserId))
            .ToDictionaryAsync(p => p.EndUserId, StringComparer.Ordinal, cancellationToken);
        var emailOn = (settings?.EmailEnabled ?? true) && !string.IsNullOrWhiteSpace(options.Value.SmtpHost);
        var emails = emailOn ? await EmailsAsync(db, applicationId, users, signals.Select(s => s.InteractionId).Distinct().ToList(), cancellationToken) : [];
        var inputs = await db.Interactions.AsNoTracking().Where(i => interactionIds.Contains(i.Id))
            .Select(i => new { i.Id, i.Input }).ToDictionaryAsync(i => i.Id, i => i.Input, cancellationToken);
        var webhook = WebhookConfigured(settings);

        foreach (var user in users)
        {
            var preference = preferences.GetValueOrDefault(user);
            var inApp = preference is not { InAppOptOut: true };
            var email = preference is { EmailOptOut: true } ? null : emails.GetValueOrDefault(user);
            if (!inApp && email is null)
            {
                continue;
            }

            var theirs = signals.Where(s => s.EndUserId == user).OrderByDescending(s => !string.IsNullOrWhiteSpace(s.Text)).ThenByDescending(s => s.OccurredAt).First();
            var notification = new Notification
            {
                PublicId = Guid.CreateVersion7(now),
                ApplicationId = applicationId,
                EndUserId = user,
                Kind = kind,
                TriggerKey = triggerKey,
                CaseId = caseIds[0],
                Feedback = Describe(inputs.GetValueOrDefault(theirs.InteractionId), theirs.Kind, theirs.Text, theirs.ThumbUp, theirs.Rating),
                Outcome = Excerpt(outcome, 4000),
                ServedCount = servedCount,
                InApp = inApp,
                CreatedAt = now,
            };
            db.Notifications.Add(notification);
            if (email is not null)
            {
                var digest = settings?.DailyDigest == true;
                db.NotificationDeliveries.Add(new NotificationDelivery
                {
                    Id = Guid.CreateVersion7(now),
                    ApplicationId = applicationId,
                    Notification = notification,
                    Channel = DeliveryChannel.Email,
                    EventType = kind.ToString().ToLowerInvariant(),
                    Recipient = email,
                    Digest = digest,
                    Status = DeliveryStatus.Pending,
                    NextAttemptAt = digest ? NextDigest(now, options.Value.DigestHourUtc) : now,
                    CreatedAt = now,
                });
            }

            if (inApp && webhook)
            {
                AddWebhook(db, settings, applicationId, NotificationCreatedEvent, notification, new
                {
                    id = notification.PublicId,
                    endUserId = user,
                    kind = kind.ToString().ToLowerInvariant(),
                    caseId = notification.CaseId,
                    feedback = notification.Feedback,
                    outcome = notification.Outcome,
                    servedCount,
                    createdAt = now,
                }, now);
            }
        }
    }

    /// <summary>Each end user's contact address as the application supplied it: from the turns they gave feedback on, else their latest turn with one.</summary>
    private static async Task<Dictionary<string, string>> EmailsAsync(
        FeedbackDbContext db, Guid applicationId, List<string> users, List<long> interactionIds, CancellationToken cancellationToken)
    {
        var found = (await db.Interactions.AsNoTracking()
                .Where(i => interactionIds.Contains(i.Id) && i.EndUserId != null && i.EndUserEmail != null)
                .Select(i => new { EndUserId = i.EndUserId!, Email = i.EndUserEmail!, i.OccurredAt })
                .ToListAsync(cancellationToken))
            .Where(i => users.Contains(i.EndUserId))
            .GroupBy(i => i.EndUserId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.MaxBy(i => i.OccurredAt)!.Email, StringComparer.Ordinal);
        foreach (var user in users.Where(u => !found.ContainsKey(u)))
        {
            var email = await db.Interactions.AsNoTracking()
                .Where(i => i.ApplicationId == applicationId && i.EndUserId == user && i.EndUserEmail != null)
                .OrderByDescending(i => i.OccurredAt).Select(i => i.EndUserEmail).FirstOrDefaultAsync(cancellationToken);
            if (email is not null)
            {
                found[user] = email;
            }
        }

        return found.Where(e => MimeKit.MailboxAddress.TryParse(e.Value, out _)).ToDictionary(StringComparer.Ordinal);
    }

    private static void AddWebhook(FeedbackDbContext db, NotificationChannelSettings? settings, Guid applicationId, string type, Notification? notification, object data, DateTimeOffset now)
    {
        if (!WebhookConfigured(settings))
        {
            return;
        }

        var id = Guid.CreateVersion7(now);
        db.NotificationDeliveries.Add(new NotificationDelivery
        {
            Id = id,
            ApplicationId = applicationId,
            Notification = notification,
            Channel = DeliveryChannel.Webhook,
            EventType = type,
            Payload = JsonSerializer.Serialize(new { type, timestamp = now, data }, Json),
            Status = DeliveryStatus.Pending,
            NextAttemptAt = now,
            CreatedAt = now,
        });
    }

    /// <summary>"On “How do I get a refund?”: “The window is 30 days, not 14”".</summary>
    internal static string Describe(string? input, SignalKind kind, string? text, bool? thumbUp, int? rating)
    {
        var what = !string.IsNullOrWhiteSpace(text)
            ? $"you wrote “{Excerpt(text, 400)}”"
            : kind switch
            {
                SignalKind.Thumb => thumbUp == true ? "you gave a thumbs up" : "you gave a thumbs down",
                SignalKind.Rating => string.Create(CultureInfo.InvariantCulture, $"you rated the answer {rating}/5"),
                SignalKind.Flag => "you flagged the answer",
                SignalKind.Regenerate => "you asked for a new answer",
                SignalKind.Abandon => "you left the conversation",
                _ => "you gave feedback",
            };
        return string.IsNullOrWhiteSpace(input) ? Capitalize(what) : $"About “{Excerpt(input, 300)}”, {what}.";
    }

    internal static string Excerpt(string text, int max)
    {
        var flat = text.ReplaceLineEndings(" ").Trim();
        return flat.Length <= max ? flat : string.Concat(flat.AsSpan(0, max - 1), "…");
    }

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..] + ".";

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);

    /// <summary>The next digest hour (UTC) after <paramref name="now"/>.</summary>
    internal static DateTimeOffset NextDigest(DateTimeOffset now, int hourUtc)
    {
        var utc = now.ToUniversalTime();
        var today = new DateTimeOffset(utc.Year, utc.Month, utc.Day, hourUtc, 0, 0, TimeSpan.Zero);
        return today > utc ? today : today.AddDays(1);
    }
}

/// <summary>Wakes this instance's dispatcher when a decision wrote to the outbox, instead of waiting for its next poll.</summary>
public sealed class NotificationWakeup : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Wake()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already awake.
            }
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _signal.Dispose();
}
