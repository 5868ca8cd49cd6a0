using FeedbackConsole.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Triage.Queue;

/// <summary>
/// A cheap fingerprint for the queue's 10-second poll, to notice changes made by other instances: the newest
/// case id (new cases) and the versions of the cases on screen (claims, labels, status). Primary-key lookups only.
/// </summary>
public sealed class GetQueueStamp(IDbContextFactory<FeedbackDbContext> contexts)
{
    public async Task<string> HandleAsync(IReadOnlyCollection<long> visibleCaseIds, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var newest = await db.Cases.AsNoTracking().OrderByDescending(c => c.Id).Select(c => c.Id).FirstOrDefaultAsync(cancellationToken);
        var ids = visibleCaseIds.ToArray();
        var versions = ids.Length == 0
            ? []
            : await db.Cases.AsNoTracking().Where(c => ids.Contains(c.Id)).Select(c => new { c.Id, c.Version }).ToListAsync(cancellationToken);
        return newest + ":" + string.Join(",", versions.OrderBy(v => v.Id).Select(v => $"{v.Id}/{v.Version:N}"));
    }
}
