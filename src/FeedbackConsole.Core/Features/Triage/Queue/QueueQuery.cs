using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Triage.Queue;

/// <summary>
/// Turns a <see cref="QueueFilter"/> into conditions on the Cases row alone (plus an EXISTS on the case's
/// failure modes and, for text, the interaction), so the queue, "Next case" and bulk actions select alike.
/// </summary>
internal static class QueueQuery
{
    /// <summary>
    /// The ids of the failure mode with this key and every mode under it (a family key such as <c>factual</c>
    /// finds <c>factual.error</c> too); empty when the key is unknown.
    /// </summary>
    public static async Task<int[]> ResolveFailureModeIdsAsync(FeedbackDbContext db, string? key, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            return [];
        }

        // The mode and every mode under it in the tree as it is now (keys never change, so a moved mode's key
        // still names its old family: walk ParentId, not the key). The taxonomy is small; read it whole.
        var tree = await db.FailureModes.AsNoTracking().Select(m => new { m.Id, m.Key, m.ParentId }).ToListAsync(cancellationToken);
        var root = tree.FirstOrDefault(m => m.Key == key);
        if (root is null)
        {
            return [];
        }

        var found = new List<int> { root.Id };
        for (var i = 0; i < found.Count; i++)
        {
            var parent = found[i];
            found.AddRange(tree.Where(m => m.ParentId == parent).Select(m => m.Id));
        }

        return [.. found];
    }

    /// <summary>The filter's conditions. <paramref name="modeIds"/> comes from <see cref="ResolveFailureModeIdsAsync"/>.</summary>
    public static IQueryable<Case> Apply(
        IQueryable<Case> cases,
        FeedbackDbContext db,
        QueueFilter filter,
        string userId,
        DateTimeOffset now,
        int[] modeIds,
        bool includeStatus = true,
        bool orderedWalk = false)
    {
        if (filter.ApplicationId is { } app)
        {
            cases = cases.Where(c => c.ApplicationId == app);
        }

        if (includeStatus && filter.Statuses != CaseStatusSet.All)
        {
            var statuses = filter.Statuses.Statuses.ToArray();
            cases = statuses.Length == 1
                ? cases.Where(c => c.Status == statuses[0])
                : cases.Where(c => statuses.Contains(c.Status));
        }

        if (filter.FailureMode is not null)
        {
            // An unknown key matches nothing rather than everything.
            if (modeIds.Length == 0)
            {
                cases = cases.Where(c => false);
            }
            else if (orderedWalk)
            {
                // "EXISTS (the case has the mode)": for a page in priority order, read the priority index and probe
                // each case's modes until the page is full (SQLite: 2 ms), instead of sorting every match (~50 ms).
                cases = modeIds.Length == 1
                    ? cases.Where(c => db.CaseFailureModes.Any(m => m.CaseId == c.Id && m.FailureModeId == modeIds[0]))
                    : cases.Where(c => db.CaseFailureModes.Any(m => m.CaseId == c.Id && modeIds.Contains(m.FailureModeId)));
            }
            else
            {
                // "Id IN (cases with the mode)": to count, start from the mode's index entries instead of probing
                // the mode table once per case (250k cases: ~300 ms → a fraction).
                var withMode = modeIds.Length == 1
                    ? db.CaseFailureModes.Where(m => m.FailureModeId == modeIds[0]).Select(m => m.CaseId)
                    : db.CaseFailureModes.Where(m => modeIds.Contains(m.FailureModeId)).Select(m => m.CaseId);
                cases = cases.Where(c => withMode.Contains(c.Id));
            }
        }

        if (filter.Kind is { } kind)
        {
            var mask = 1 << (int)kind;
            cases = cases.Where(c => (c.SignalKinds & mask) != 0);
        }

        cases = filter.Flag switch
        {
            FlagScope.Any => cases.Where(c => c.HighestFlag != null),
            FlagScope.Safety => cases.Where(c => c.HighestFlag == FlagCategory.Safety),
            FlagScope.Compliance => cases.Where(c => c.HighestFlag == FlagCategory.Compliance),
            _ => cases,
        };

        if (filter.Role is { } role)
        {
            cases = cases.Where(c => c.UserRole == role);
        }

        if (filter.TaskType is { } task)
        {
            cases = cases.Where(c => c.TaskType == task);
        }

        if (filter.ModelVersion is { } model)
        {
            // SQLite 3.53 rates the (ModelVersion, Status) index as selective and, for a page in priority order,
            // reads every match of a common model and sorts them (24k matches: 33 ms). With many matches (the only
            // case an ordered walk is used for), walking the priority index fills a page after a few hundred rows
            // (3 ms). "|| ''" is SQLite's documented way to keep a term from choosing an index.
            cases = orderedWalk && filter.Sort == QueueSort.Priority && db.Database.IsSqlite()
                ? cases.Where(c => c.ModelVersion + "" == model)
                : cases.Where(c => c.ModelVersion == model);
        }

        if (filter.From is { } from)
        {
            var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            cases = cases.Where(c => c.CreatedAt >= start);
        }

        if (filter.To is { } to)
        {
            var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            cases = cases.Where(c => c.CreatedAt < end);
        }

        cases = filter.Assignee switch
        {
            AssigneeScope.Mine => HeldBy(cases, userId, now),
            AssigneeScope.User when filter.AssigneeId is { } someone => HeldBy(cases, someone, now),
            AssigneeScope.Unassigned => cases.Where(c => c.AssigneeId == null || c.LeaseExpiresAt < now),
            _ => cases,
        };

        if (filter.ClusterId is { } cluster)
        {
            cases = cases.Where(c => c.ClusterId == cluster);
        }

        if (!string.IsNullOrWhiteSpace(filter.Text))
        {
            // lower() on both sides: case-insensitive alike on SQLite (ASCII) and PostgreSQL; not indexed, hence slower.
            var text = filter.Text.Trim().ToLowerInvariant();
#pragma warning disable CA1304, CA1311, CA1862 // Translated to SQL lower(…) and LIKE/instr/strpos, not run in .NET.
            cases = cases.Where(c => c.Interaction!.Input.ToLower().Contains(text) || c.Interaction!.Output.ToLower().Contains(text));
#pragma warning restore CA1304, CA1311, CA1862
        }

        return cases;
    }

    /// <summary>Cases a person holds: assigned (no lease) or claimed with a lease that has not lapsed.</summary>
    public static IQueryable<Case> HeldBy(IQueryable<Case> cases, string userId, DateTimeOffset now) =>
        cases.Where(c => c.AssigneeId == userId && (c.LeaseExpiresAt == null || c.LeaseExpiresAt >= now));

    public static IOrderedQueryable<Case> Order(IQueryable<Case> cases, QueueSort sort, bool descending) => (sort, descending) switch
    {
        (QueueSort.Age, true) => cases.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id),
        (QueueSort.Age, false) => cases.OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id),
        (QueueSort.Signals, true) => cases.OrderByDescending(c => c.SignalCount).ThenByDescending(c => c.Priority).ThenBy(c => c.Id),
        (QueueSort.Signals, false) => cases.OrderBy(c => c.SignalCount).ThenBy(c => c.Priority).ThenBy(c => c.Id),
        (QueueSort.Reach, true) => cases.OrderByDescending(c => c.Reach).ThenByDescending(c => c.Priority).ThenBy(c => c.Id),
        (QueueSort.Reach, false) => cases.OrderBy(c => c.Reach).ThenBy(c => c.Priority).ThenBy(c => c.Id),
        (_, false) => cases.OrderBy(c => c.Priority).ThenBy(c => c.Id),
        // Id descending too: the (Status, Priority) index read backwards, no extra sort key.
        _ => cases.OrderByDescending(c => c.Priority).ThenByDescending(c => c.Id),
    };
}
