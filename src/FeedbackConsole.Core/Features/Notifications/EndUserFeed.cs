using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Notifications;

/// <summary>
/// What an end user may see — only their own, in one application: their notifications (for the application's own UI
/// through the API, newest first), and their page (each piece of feedback they gave and what came of it).
/// </summary>
public sealed class EndUserFeed(IDbContextFactory<FeedbackDbContext> contexts, TimeProvider time)
{
    public const int MaxPage = 100;
    public const int MaxFeedbackOnPage = 100;

    /// <summary>One page of notifications, newest first; <paramref name="after"/> is the previous page's <c>next</c> cursor.</summary>
    public async Task<NotificationPage> NotificationsAsync(Guid applicationId, string endUserId, long? after, int limit, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Notifications.AsNoTracking().Where(n => n.ApplicationId == applicationId && n.EndUserId == endUserId && n.InApp);
        if (after is { } cursor)
        {
            query = query.Where(n => n.Id < cursor);
        }

        var rows = await query.OrderByDescending(n => n.Id).Take(limit + 1).ToListAsync(cancellationToken);
        var items = rows.Take(limit).Select(ItemOf).ToList();
        return new NotificationPage(items, rows.Count > limit ? rows[limit - 1].Id : null);
    }

    /// <summary>The end user's page: their latest feedback, what came of each piece, their notifications and opt-outs.</summary>
    public async Task<EndUserPageView?> PageAsync(EndUserRef user, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var application = await db.Applications.AsNoTracking().Where(a => a.Id == user.ApplicationId).Select(a => a.Name).FirstOrDefaultAsync(cancellationToken);
        if (application is null)
        {
            return null;
        }

        var rows = await FeedbackOfAsync(db, user, cancellationToken);
        var interactionIds = rows.Where(f => f.InteractionId is not null).Select(f => f.InteractionId!.Value).Distinct().ToList();
        var inputs = await db.Interactions.AsNoTracking()
            .Where(i => interactionIds.Contains(i.Id))
            .Select(i => new { i.Id, i.Input })
            .ToDictionaryAsync(i => i.Id, i => i.Input, cancellationToken);
        // One case per interaction (unique index).
        var cases = await db.Cases.AsNoTracking()
            .Where(c => interactionIds.Contains(c.InteractionId))
            .Select(c => new { c.InteractionId, c.Status, c.DismissReason, c.ResolvedAt })
            .ToDictionaryAsync(c => c.InteractionId, cancellationToken);
        var feedback = rows.Select(f => new
        {
            f.Kind, f.Text, f.ThumbUp, f.Rating, f.OccurredAt,
            Input = f.InteractionId is { } id ? inputs.GetValueOrDefault(id) : null,
            Case = f.InteractionId is { } caseOf && cases.TryGetValue(caseOf, out var found) ? found : null,
        });
        var notifications = await db.Notifications.AsNoTracking()
            .Where(n => n.ApplicationId == user.ApplicationId && n.EndUserId == user.EndUserId && n.InApp)
            .OrderByDescending(n => n.Id).Take(MaxPage).ToListAsync(cancellationToken);
        var preference = await db.EndUserPreferences.AsNoTracking()
            .FirstOrDefaultAsync(p => p.ApplicationId == user.ApplicationId && p.EndUserId == user.EndUserId, cancellationToken);

        var pieces = feedback.Select(f => new EndUserFeedbackItem(
            NotificationOutbox.Describe(f.Input, f.Kind, f.Text, f.ThumbUp, f.Rating),
            f.OccurredAt,
            f.Case?.Status switch
            {
                CaseStatus.Released => "Fixed",
                CaseStatus.Dismissed => "Reviewed, no change",
                CaseStatus.Duplicate => "Already reported by someone else",
                CaseStatus.Approved => "A fix is approved",
                null => "Received, thank you",
                _ => "Being looked at",
            },
            f.Case?.Status switch
            {
                CaseStatus.Released => "A correction made from this feedback is live.",
                CaseStatus.Dismissed => f.Case.DismissReason ?? "",
                CaseStatus.Duplicate => "We handle it together with the earlier report.",
                CaseStatus.Approved => "It goes live with the next release.",
                null => "It counts toward how we measure answer quality.",
                _ => "A reviewer is looking into it.",
            })).ToList();
        return new EndUserPageView(application, user.EndUserId, pieces, [.. notifications.Select(ItemOf)],
            preference?.EmailOptOut ?? false, preference?.InAppOptOut ?? false);
    }

    /// <summary>
    /// The end user's latest feedback (not derived signals), newest first: the signals on their interactions that
    /// name them or no one, and the signals that name them on interactions that are not theirs or not stored yet
    /// (<see cref="Signal.EndUserUnmatched"/>), each through its own index.
    /// </summary>
    private static async Task<List<FeedbackRow>> FeedbackOfAsync(FeedbackDbContext db, EndUserRef user, CancellationToken cancellationToken)
    {
        var (applicationId, endUserId) = (user.ApplicationId, user.EndUserId);
        var onTheirInteractions = await (
                from i in db.Interactions
                where i.ApplicationId == applicationId && i.EndUserId == endUserId
                join s in db.Signals on (long?)i.Id equals s.InteractionId
                where !s.EndUserUnmatched && !s.IsDerived
                orderby s.OccurredAt descending, s.Id descending
                select new FeedbackRow(s.Id, s.Kind, s.Text, s.ThumbUp, s.Rating, s.OccurredAt, s.InteractionId))
            .AsNoTracking().Take(MaxFeedbackOnPage)
            .ToListAsync(cancellationToken);
        var elsewhere = await db.Signals.AsNoTracking()
            .Where(s => s.ApplicationId == applicationId && s.EndUserUnmatched && s.EndUserId == endUserId && !s.IsDerived)
            .OrderByDescending(s => s.OccurredAt).ThenByDescending(s => s.Id).Take(MaxFeedbackOnPage)
            .Select(s => new FeedbackRow(s.Id, s.Kind, s.Text, s.ThumbUp, s.Rating, s.OccurredAt, s.InteractionId))
            .ToListAsync(cancellationToken);
        return [.. onTheirInteractions.Concat(elsewhere).OrderByDescending(f => f.OccurredAt).ThenByDescending(f => f.Id).Take(MaxFeedbackOnPage)];
    }

    private sealed record FeedbackRow(long Id, SignalKind Kind, string? Text, bool? ThumbUp, int? Rating, DateTimeOffset OccurredAt, long? InteractionId);

    /// <summary>Sets one opt-out (from the unsubscribe link or the page's switches).</summary>
    public async Task SetOptOutAsync(EndUserRef user, UnsubscribeChannel channel, bool optedOut, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await db.Applications.AnyAsync(a => a.Id == user.ApplicationId, cancellationToken))
        {
            return;
        }

        var preference = await db.EndUserPreferences.FirstOrDefaultAsync(p => p.ApplicationId == user.ApplicationId && p.EndUserId == user.EndUserId, cancellationToken);
        if (preference is null)
        {
            preference = new EndUserPreference { ApplicationId = user.ApplicationId, EndUserId = user.EndUserId };
            db.EndUserPreferences.Add(preference);
        }

        if (channel == UnsubscribeChannel.Email)
        {
            preference.EmailOptOut = optedOut;
        }
        else
        {
            preference.InAppOptOut = optedOut;
        }

        preference.UpdatedAt = time.GetUtcNow();
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (db.Entry(preference).State == EntityState.Added)
        {
            // The same link clicked twice at once: the other request created the row; apply on it.
            await SetOptOutAsync(user, channel, optedOut, cancellationToken);
        }
    }

    private static EndUserNotification ItemOf(Notification n) =>
        new(n.PublicId, n.Id, n.Kind.ToString().ToLowerInvariant(), n.CaseId, n.Feedback, n.Outcome, n.ServedCount, n.CreatedAt);
}

public sealed record NotificationPage(IReadOnlyList<EndUserNotification> Items, long? Next);

/// <summary>One notification as the end user (or their application) sees it.</summary>
public sealed record EndUserNotification(Guid Id, long Sequence, string Kind, long? CaseId, string Feedback, string Outcome, long? ServedCount, DateTimeOffset CreatedAt);

public sealed record EndUserFeedbackItem(string What, DateTimeOffset At, string Status, string Outcome);

public sealed record EndUserPageView(
    string Application, string EndUserId, IReadOnlyList<EndUserFeedbackItem> Feedback, IReadOnlyList<EndUserNotification> Notifications, bool EmailOptOut, bool InAppOptOut);
