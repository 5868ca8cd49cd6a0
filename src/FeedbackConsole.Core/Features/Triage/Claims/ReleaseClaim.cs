using System.Globalization;
using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Triage.Claims;

/// <summary>
/// The holder gives a case back to the queue (its status stays). A lead or admin may release anyone's case.
/// Releasing a case nobody holds is a no-op.
/// </summary>
public sealed class ReleaseClaim(IDbContextFactory<FeedbackDbContext> contexts, AuditTrail audit, CaseChangeFeed feed, TimeProvider time)
{
    public async Task<Result> HandleAsync(long caseId, string userId, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var seen = await ClaimWrites.Snapshots(db.Cases.AsNoTracking().Where(c => c.Id == caseId)).FirstOrDefaultAsync(cancellationToken);
        if (seen is null)
        {
            return Result.Fail($"Case #{caseId} no longer exists.");
        }

        if (seen.AssigneeId is null)
        {
            return Result.Ok();
        }

        var heldByOther = seen.AssigneeId != userId && ClaimRules.IsHeld(seen.AssigneeId, seen.LeaseExpiresAt, now);
        if (heldByOther && !await ClaimRules.IsLeadAsync(db, userId, cancellationToken))
        {
            var holder = await ClaimRules.DisplayNameAsync(db, seen.AssigneeId, cancellationToken);
            return Result.Fail($"{holder} holds case #{caseId}; only they or a lead can release it.");
        }

        var actor = await AuditActor.OfUserAsync(db, userId, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var updated = await db.Cases
            .Where(c => c.Id == caseId && c.Version == seen.Version)
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.AssigneeId, (string?)null)
                .SetProperty(c => c.ClaimedAt, (DateTimeOffset?)null)
                .SetProperty(c => c.LeaseExpiresAt, (DateTimeOffset?)null)
                .SetProperty(c => c.Version, Guid.NewGuid())
                .SetProperty(c => c.UpdatedAt, now)
                .SetProperty(c => c.UpdatedById, userId), cancellationToken);
        if (updated == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return Result.Fail($"Case #{caseId} changed just now. Reload it and try again.");
        }

        await audit.RecordAsync(db, actor, new AuditEntry(
            "case.claim_released", "case", caseId.ToString(CultureInfo.InvariantCulture), seen.ApplicationId,
            Before: new { assigneeId = seen.AssigneeId },
            After: new { assigneeId = (string?)null }), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        feed.Publish(new CaseChange([caseId], "released", userId));
        return Result.Ok();
    }
}
