using FeedbackConsole.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Triage.Queue;

/// <summary>Every case id the filter matches, in queue order, up to a limit: "select the whole cluster" for a bulk action.</summary>
public sealed class ListQueueCaseIds(IDbContextFactory<FeedbackDbContext> contexts, TimeProvider time)
{
    /// <summary>The ids (at most the limit asked for) and whether more matched.</summary>
    public sealed record Result(IReadOnlyList<long> Ids, bool Truncated);

    public async Task<Result> HandleAsync(QueueFilter filter, string userId, int limit, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var modeIds = await QueueQuery.ResolveFailureModeIdsAsync(db, filter.FailureMode, cancellationToken);
        var ids = await QueueQuery.Order(QueueQuery.Apply(db.Cases.AsNoTracking(), db, filter, userId, time.GetUtcNow(), modeIds), filter.Sort, filter.Descending)
            .Select(c => c.Id)
            .Take(limit + 1)
            .ToListAsync(cancellationToken);
        return ids.Count > limit ? new Result(ids[..limit], true) : new Result(ids, false);
    }
}
