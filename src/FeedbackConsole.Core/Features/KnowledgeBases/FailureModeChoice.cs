using FeedbackConsole.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.KnowledgeBases;

/// <summary>A current leaf of the failure taxonomy, which an example can be tagged with.</summary>
public sealed record FailureModeChoice(string Key, string Name)
{
    public static async Task<IReadOnlyList<FailureModeChoice>> LoadAsync(FeedbackDbContext db, CancellationToken cancellationToken) =>
        await db.FailureModes.AsNoTracking()
            .Where(m => m.RetiredAt == null && !db.FailureModes.Any(c => c.ParentId == m.Id))
            .OrderBy(m => m.Key)
            .Select(m => new FailureModeChoice(m.Key, m.Name))
            .ToListAsync(cancellationToken);
}
