using System.Diagnostics.CodeAnalysis;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Triage.Queue;

/// <summary>
/// One page of the triage queue, with the number of cases per status for the same filter (minus its status
/// part) and the total. Filters and sorts on the Cases row; names and failure modes are fetched for the
/// page's ids only, in one query each.
/// </summary>
[SuppressMessage("Naming", "CA1711", Justification = "Named for the triage queue it queries, not a Queue collection.")]
public sealed class QueryQueue(IDbContextFactory<FeedbackDbContext> contexts, TimeProvider time)
{
    /// <summary>A failure mode on a row: suggested by a rule, or confirmed by a reviewer.</summary>
    public sealed record FailureModeTag(string Key, string Name, bool Confirmed);

    /// <summary>One case as the queue shows it. <see cref="AssigneeId"/> is null when nobody holds it (or the lease lapsed).</summary>
    public sealed record Row(
        long Id,
        double Priority,
        CaseStatus Status,
        Guid ApplicationId,
        string ApplicationName,
        IReadOnlyList<FailureModeTag> FailureModes,
        int ThumbsUp,
        int ThumbsDown,
        int? LowestRating,
        FlagCategory? HighestFlag,
        bool HasCorrection,
        int SignalCount,
        int Reach,
        string? UserRole,
        string? TaskType,
        string? ModelVersion,
        long? ClusterId,
        DateTimeOffset CreatedAt,
        DateTimeOffset UpdatedAt,
        Guid Version,
        string? AssigneeId,
        string? AssigneeName,
        DateTimeOffset? LeaseExpiresAt);

    /// <summary>The page, the total for the filter, and counts per status for the filter without its status part.</summary>
    public sealed record Result(IReadOnlyList<Row> Rows, int Total, IReadOnlyDictionary<CaseStatus, int> CountsByStatus, DateTimeOffset Now);

    /// <summary>Up to this many matches, a page is chosen by sorting the matches' keys here (see <see cref="HandleAsync"/>).</summary>
    internal int SmallMatch { get; init; } = 5_000;

    public async Task<Result> HandleAsync(QueueFilter filter, string userId, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var modeIds = await QueueQuery.ResolveFailureModeIdsAsync(db, filter.FailureMode, cancellationToken);

        var counted = QueueQuery.Apply(db.Cases.AsNoTracking(), db, filter, userId, now, modeIds, includeStatus: false);
        Dictionary<CaseStatus, int> counts;
        if (!HasConditions(filter with { ApplicationId = null }))
        {
            // Nothing but an application: the counts the database keeps (see CaseStatusCounts).
            counts = await CaseStatusCounts.ReadAsync(db, filter.ApplicationId, cancellationToken);
        }
        else if (filter.ApplicationId is null && filter.FailureMode is not null && !HasConditions(filter with { FailureMode = null }))
        {
            // Only a failure mode: each mode row carries its case's status (kept by triggers), so one index counts.
            var modeRows = modeIds.Length == 1
                ? db.CaseFailureModes.Where(m => m.FailureModeId == modeIds[0])
                : db.CaseFailureModes.Where(m => modeIds.Contains(m.FailureModeId));
            counts = modeIds.Length == 0
                ? []
                : (await modeRows.GroupBy(m => m.CaseStatus)
                        .Select(g => new { Status = g.Key, Count = modeIds.Length == 1 ? g.Count() : g.Select(m => m.CaseId).Distinct().Count() })
                        .ToListAsync(cancellationToken))
                    .Where(c => c.Count > 0)
                    .ToDictionary(c => c.Status, c => c.Count);
        }
        else if (db is SqliteFeedbackDbContext && IsNarrowed(filter) && !ModelIndexCounts(filter))
        {
            // A narrowing filter has an index of its own, but a GROUP BY Status tempts SQLite into walking the
            // whole (Status, Priority) index to avoid a sort (250k cases: ~400 ms). Reading the statuses of the
            // matching cases through the filter's index and counting them here stays proportional to the match.
            // PostgreSQL plans the GROUP BY over the filter's index itself, and shipping the rows would cost more.
            counts = (await counted.Select(c => c.Status).ToListAsync(cancellationToken))
                .GroupBy(s => s)
                .ToDictionary(g => g.Key, g => g.Count());
        }
        else
        {
            counts = (await counted
                    .GroupBy(c => c.Status)
                    .Select(g => new { Status = g.Key, Count = g.Count() })
                    .ToListAsync(cancellationToken))
                .ToDictionary(c => c.Status, c => c.Count);
        }

        var total = counts.Where(c => filter.Statuses.Contains(c.Key)).Sum(c => c.Value);

        var pageSize = Math.Clamp(filter.PageSize, 1, QueueFilter.MaxPageSize);
        var skip = (Math.Max(filter.Page, 1) - 1) * pageSize;
        if (skip >= total)
        {
            return new Result([], total, counts, now);
        }

        IQueryable<Case> page;
        if (total <= SmallMatch && IsNarrowed(filter))
        {
            // Few matches: read them through the filter's own index and sort their keys here. Left to itself, a
            // database may walk the whole priority index looking for a page of rare matches (SQLite: ~2 s for a
            // handful of cases among 250k).
            var keys = await QueueQuery.Apply(db.Cases.AsNoTracking(), db, filter, userId, now, modeIds)
                .Select(c => new Case { Id = c.Id, Priority = c.Priority, CreatedAt = c.CreatedAt, SignalCount = c.SignalCount, Reach = c.Reach })
                .ToListAsync(cancellationToken);
            var pageIds = QueueQuery.Order(keys.AsQueryable(), filter.Sort, filter.Descending).Skip(skip).Take(pageSize).Select(c => c.Id).ToArray();
            page = db.Cases.AsNoTracking().Where(c => pageIds.Contains(c.Id));
        }
        else
        {
            page = QueueQuery.Order(QueueQuery.Apply(db.Cases.AsNoTracking(), db, filter, userId, now, modeIds, orderedWalk: true), filter.Sort, filter.Descending)
                .Skip(skip)
                .Take(pageSize);
        }

        var unordered = await page
            .Select(c => new
            {
                c.Id, c.Priority, c.Status, c.ApplicationId, c.ThumbsUp, c.ThumbsDown, c.LowestRating, c.HighestFlag, c.HasCorrection,
                c.SignalCount, c.Reach, c.UserRole, c.TaskType, c.ModelVersion, c.ClusterId, c.CreatedAt, c.UpdatedAt, c.Version,
                c.AssigneeId, c.LeaseExpiresAt,
            })
            .ToListAsync(cancellationToken);
        // The page in the filter's order (an id list comes back in any order).
        var byId = unordered.ToDictionary(c => c.Id);
        var cases = QueueQuery.Order(unordered.Select(c => new Case { Id = c.Id, Priority = c.Priority, CreatedAt = c.CreatedAt, SignalCount = c.SignalCount, Reach = c.Reach }).AsQueryable(), filter.Sort, filter.Descending)
            .Select(k => byId[k.Id])
            .ToList();
        if (cases.Count == 0)
        {
            return new Result([], total, counts, now);
        }

        var ids = cases.Select(c => c.Id).ToArray();
        var modes = (await db.CaseFailureModes.AsNoTracking()
                .Where(m => ids.Contains(m.CaseId))
                .Select(m => new { m.CaseId, m.FailureMode!.Key, m.FailureMode.Name, m.Confirmed, m.Score })
                .ToListAsync(cancellationToken))
            .ToLookup(m => m.CaseId);
        var applicationIds = cases.Select(c => c.ApplicationId).Distinct().ToArray();
        var applications = await db.Applications.AsNoTracking()
            .Where(a => applicationIds.Contains(a.Id))
            .ToDictionaryAsync(a => a.Id, a => a.Name, cancellationToken);
        var assigneeIds = cases.Where(c => IsHeld(c.AssigneeId, c.LeaseExpiresAt, now)).Select(c => c.AssigneeId!).Distinct().ToArray();
        var assignees = await PeopleNames.LoadAsync(db, assigneeIds, cancellationToken);

        var rows = cases.Select(c =>
        {
            var held = IsHeld(c.AssigneeId, c.LeaseExpiresAt, now);
            return new Row(
                c.Id, c.Priority, c.Status, c.ApplicationId, applications.GetValueOrDefault(c.ApplicationId, "(deleted application)"),
                modes[c.Id]
                    .OrderByDescending(m => m.Confirmed).ThenByDescending(m => m.Score).ThenBy(m => m.Key, StringComparer.Ordinal)
                    .Select(m => new FailureModeTag(m.Key, m.Name, m.Confirmed))
                    .ToList(),
                c.ThumbsUp, c.ThumbsDown, c.LowestRating, c.HighestFlag, c.HasCorrection, c.SignalCount, c.Reach,
                c.UserRole, c.TaskType, c.ModelVersion, c.ClusterId, c.CreatedAt, c.UpdatedAt, c.Version,
                held ? c.AssigneeId : null,
                held ? assignees.GetValueOrDefault(c.AssigneeId!) : null,
                held ? c.LeaseExpiresAt : null);
        }).ToList();
        return new Result(rows, total, counts, now);
    }

    /// <summary>Whether the filter has any condition besides its status part (and paging and order).</summary>
    private static bool HasConditions(QueueFilter filter) =>
        filter.ApplicationId is not null || filter.FailureMode is not null || filter.Kind is not null || filter.Flag is not null
        || filter.Role is not null || filter.TaskType is not null || filter.ModelVersion is not null || filter.From is not null || filter.To is not null
        || filter.Assignee is not AssigneeScope.Anyone || filter.ClusterId is not null || !string.IsNullOrWhiteSpace(filter.Text);

    /// <summary>
    /// A model version (with or without a signal kind) and nothing else narrowing: the (ModelVersion, Status, SignalKinds)
    /// index answers GROUP BY Status in its own order, so SQLite counts there (6 ms) instead of shipping ~28k statuses
    /// to be counted here (~50 ms on the 250k-case bench).
    /// </summary>
    private static bool ModelIndexCounts(QueueFilter filter) =>
        filter.ModelVersion is not null
        && !HasConditions(filter with { ModelVersion = null, Kind = null, ApplicationId = null });

    /// <summary>Whether the filter narrows the cases through an index of its own (beyond application and status).</summary>
    private static bool IsNarrowed(QueueFilter filter) =>
        filter.From is not null || filter.To is not null || filter.Role is not null || filter.TaskType is not null || filter.ModelVersion is not null
        || filter.Flag is not null || filter.ClusterId is not null || filter.FailureMode is not null || filter.Assignee is AssigneeScope.Mine or AssigneeScope.User;

    internal static bool IsHeld(string? assigneeId, DateTimeOffset? leaseExpiresAt, DateTimeOffset now) =>
        assigneeId is not null && (leaseExpiresAt is null || leaseExpiresAt >= now);
}
