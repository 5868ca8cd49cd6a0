using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Features.Triage.Queue;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Triage.Cases;

/// <summary>
/// The cases before and after one case in the queue's order under the queue's filter (keys <c>k</c> and
/// <c>j</c> on the case page). Reads only the ids of the filter's page, and of the page either side when the
/// case sits at an edge, with the queue's own conditions and order (<see cref="QueueQuery"/>).
/// </summary>
public sealed class GetCaseNeighbours(IDbContextFactory<FeedbackDbContext> contexts, TimeProvider time)
{
    /// <summary>A neighbour and the queue page it is on (so the queue link can follow along).</summary>
    public sealed record Neighbour(long CaseId, int Page);

    public sealed record Result(Neighbour? Previous, Neighbour? Next);

    public async Task<Result> HandleAsync(long caseId, QueueFilter filter, string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var modeIds = await QueueQuery.ResolveFailureModeIdsAsync(db, filter.FailureMode, cancellationToken);
        var size = Math.Clamp(filter.PageSize, 1, QueueFilter.MaxPageSize);
        var page = Math.Max(filter.Page, 1);

        Task<List<long>> IdsAsync(int p) =>
            QueueQuery.Order(QueueQuery.Apply(db.Cases.AsNoTracking(), db, filter, userId, now, modeIds), filter.Sort, filter.Descending)
                .Skip((p - 1) * size)
                .Take(size)
                .Select(c => c.Id)
                .ToListAsync(cancellationToken);

        var ids = await IdsAsync(page);
        var at = ids.IndexOf(caseId);
        if (at < 0)
        {
            // Not in the view (it left the filter, or the link is old): the view's first case comes next.
            return new Result(null, ids.Count > 0 ? new Neighbour(ids[0], page) : null);
        }

        Neighbour? previous = null;
        if (at > 0)
        {
            previous = new Neighbour(ids[at - 1], page);
        }
        else if (page > 1 && await IdsAsync(page - 1) is { Count: > 0 } before)
        {
            previous = new Neighbour(before[^1], page - 1);
        }

        Neighbour? next = null;
        if (at < ids.Count - 1)
        {
            next = new Neighbour(ids[at + 1], page);
        }
        else if (ids.Count == size && await IdsAsync(page + 1) is { Count: > 0 } after)
        {
            next = new Neighbour(after[0], page + 1);
        }

        return new Result(previous, next);
    }
}
