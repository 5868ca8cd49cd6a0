using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Notifications;

/// <summary>The outbox as admins see it: deliveries by status (and application), newest first, a page at a time, with counts per status.</summary>
public sealed class ListOutbox(IDbContextFactory<FeedbackDbContext> contexts)
{
    public const int PageSize = 25;

    public sealed record Row(
        Guid Id, string Application, DeliveryChannel Channel, string EventType, string Recipient, string? EndUserId, DeliveryStatus Status,
        int Attempts, DateTimeOffset NextAttemptAt, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? SentAt, bool Digest);

    public sealed record View(IReadOnlyList<Row> Rows, int Total, IReadOnlyDictionary<DeliveryStatus, int> Counts);

    public async Task<View> HandleAsync(DeliveryStatus? status, Guid? applicationId, int page, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var scope = db.NotificationDeliveries.AsNoTracking().Where(d => applicationId == null || d.ApplicationId == applicationId);
        var counts = (await scope.GroupBy(d => d.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken))
            .ToDictionary(g => g.Key, g => g.Count);
        var filtered = status is { } s ? scope.Where(d => d.Status == s) : scope;
        var total = status is { } only ? counts.GetValueOrDefault(only) : counts.Values.Sum();
        var rows = await filtered.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id)
            .Skip(Math.Max(0, page) * PageSize).Take(PageSize)
            .Select(d => new Row(
                d.Id, db.Applications.Where(a => a.Id == d.ApplicationId).Select(a => a.Name).First(), d.Channel, d.EventType, d.Recipient,
                d.Notification != null ? d.Notification.EndUserId : null, d.Status, d.Attempts, d.NextAttemptAt, d.LastError, d.CreatedAt, d.SentAt, d.Digest))
            .ToListAsync(cancellationToken);
        return new View(rows, total, counts);
    }
}
