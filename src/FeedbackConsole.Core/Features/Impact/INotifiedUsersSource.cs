using FeedbackConsole.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Impact;

/// <summary>
/// How many distinct end users were notified per week, and how many notifications a correction's cases sent, for the
/// impact dashboard and the correction page. Null means "not recorded" (the charts then say so).
/// </summary>
public interface INotifiedUsersSource
{
    /// <summary>Distinct end users notified per week (weeks start on Monday, UTC); null when notifications are not recorded.</summary>
    Task<IReadOnlyDictionary<DateOnly, int>?> NotifiedUsersPerWeekAsync(Guid applicationId, DateOnly from, DateOnly to, CancellationToken cancellationToken);

    /// <summary>Notifications sent about the given cases; null when notifications are not recorded.</summary>
    Task<int?> NotificationsForCasesAsync(IReadOnlyCollection<long> caseIds, CancellationToken cancellationToken);
}

/// <summary>
/// Reads the notifier's own rows (one per end user per trigger; a small table next to signals, so the dashboard still
/// never scans raw signals). A notification counts in the week it was written — when the decision was taken.
/// </summary>
public sealed class NotifiedUsersFromNotifications(IDbContextFactory<FeedbackDbContext> contexts) : INotifiedUsersSource
{
    public async Task<IReadOnlyDictionary<DateOnly, int>?> NotifiedUsersPerWeekAsync(Guid applicationId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.Notifications.AsNoTracking()
            .Where(n => n.ApplicationId == applicationId && n.CreatedAt >= start && n.CreatedAt < end)
            .Select(n => new { n.EndUserId, n.CreatedAt })
            .ToListAsync(cancellationToken);
        return rows
            .GroupBy(n => GetImpactDashboard.WeekOf(DateOnly.FromDateTime(n.CreatedAt.UtcDateTime)))
            .ToDictionary(g => g.Key, g => g.Select(n => n.EndUserId).Distinct(StringComparer.Ordinal).Count());
    }

    public async Task<int?> NotificationsForCasesAsync(IReadOnlyCollection<long> caseIds, CancellationToken cancellationToken)
    {
        if (caseIds.Count == 0)
        {
            return 0;
        }

        var ids = caseIds.ToArray();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Notifications.AsNoTracking().CountAsync(n => n.CaseId != null && ids.Contains(n.CaseId.Value), cancellationToken);
    }
}
