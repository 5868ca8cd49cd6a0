using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Releases.EvalSuites;

/// <summary>A Reviewer archives an eval case (gate runs leave it out; past results keep it) or restores it; audited.</summary>
public sealed class ArchiveEvalCase(IDbContextFactory<FeedbackDbContext> contexts, AuditTrail audit, TimeProvider time)
{
    public async Task<Result> HandleAsync(Guid evalCaseId, bool archive, string actingUserId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await ReleaseRules.IsReviewerAsync(db, actingUserId, cancellationToken))
        {
            return Result.Fail(ReleaseRules.ReviewersOnly);
        }

        var row = await db.EvalCases.FirstOrDefaultAsync(c => c.Id == evalCaseId, cancellationToken);
        if (row is null)
        {
            return Result.Fail("That eval case no longer exists.");
        }

        if ((row.ArchivedAt is not null) == archive)
        {
            return Result.Ok();
        }

        var applicationId = await db.KnowledgeBases.Where(k => k.Id == row.KnowledgeBaseId).Select(k => k.ApplicationId).FirstAsync(cancellationToken);
        var now = time.GetUtcNow();
        row.ArchivedAt = archive ? now : null;
        row.UpdatedAt = now;
        await audit.RecordAsync(db, await AuditActor.OfUserAsync(db, actingUserId, cancellationToken),
            new AuditEntry(archive ? ReleaseActions.EvalCaseArchived : ReleaseActions.EvalCaseRestored, ReleaseActions.EvalCaseEntity,
                ReleaseActions.Id(row.Id), applicationId, new { archived = !archive }, new { archived = archive }), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result.Ok();
    }
}
