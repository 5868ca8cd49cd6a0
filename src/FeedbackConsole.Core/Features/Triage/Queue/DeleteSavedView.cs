using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Triage.Queue;

/// <summary>Deletes one of the person's own saved views (another person's view is never touched).</summary>
public sealed class DeleteSavedView(IDbContextFactory<FeedbackDbContext> contexts)
{
    public async Task<Result> HandleAsync(string userId, Guid viewId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var deleted = await db.SavedViews.Where(v => v.Id == viewId && v.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        return deleted == 1 ? Result.Ok() : Result.Fail("That view no longer exists.");
    }
}
